import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * An HTTP server on loopback that records every connection and request it gets and answers each like a token
 * endpoint would: a forged accounts server, to show that nothing (not even a TCP connection) reaches it.
 */
export class RecordingServer {
  readonly requests: Array<{ method: string; url: string; body: string }> = [];
  connections = 0;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  private constructor() {
    this.#server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        this.requests.push({ method: request.method ?? '', url: request.url ?? '', body });
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ access_token: 'forged', expires_in: 3600, api_domain: this.origin }));
      });
    });
    this.#server.on('connection', (socket: Socket) => {
      this.connections += 1;
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
  }

  static async start(): Promise<RecordingServer> {
    const recorder = new RecordingServer();
    await new Promise<void>((resolve) => recorder.#server.listen(0, '127.0.0.1', resolve));
    return recorder;
  }

  get origin(): string {
    const { port } = this.#server.address() as { port: number };
    return `http://127.0.0.1:${port}`;
  }

  close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
