import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { DataCenterCode } from '../../accounts/data-centers.js';
import type { EmulatorResponse } from './responses.js';

export type RequestHandler = (dataCenter: DataCenterCode, request: IncomingMessage) => Promise<EmulatorResponse>;

/** One data center's HTTP listener on an ephemeral port: its accounts server and its API domain. */
export class DataCenterListener {
  readonly dataCenter: DataCenterCode;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #beforeReply: () => Promise<void>;
  #origin = '';
  #closed: Promise<void> | null = null;

  constructor(dataCenter: DataCenterCode, handler: RequestHandler, beforeReply: () => Promise<void>) {
    this.dataCenter = dataCenter;
    this.#beforeReply = beforeReply;
    this.#server = createServer((request, response) => void this.#serve(handler, request, response));
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
  }

  /** `http://host:port`, once started. */
  get origin(): string {
    return this.#origin;
  }

  /** Listens on `port` (0: an ephemeral one). */
  start(host: string, port = 0): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        const address = this.#server.address();
        const bound = address !== null && typeof address === 'object' ? address.port : 0;
        this.#origin = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
        resolve();
      });
    });
  }

  /** Stops listening and destroys every open socket (keep-alive ones included). Idempotent. */
  close(): Promise<void> {
    this.#closed ??= new Promise((resolve) => {
      if (!this.#server.listening) return resolve();
      this.#server.close(() => resolve());
      for (const socket of this.#sockets) socket.destroy();
      this.#sockets.clear();
    });
    return this.#closed;
  }

  async #serve(handler: RequestHandler, request: IncomingMessage, response: ServerResponse): Promise<void> {
    let answer: EmulatorResponse;
    try {
      answer = await handler(this.dataCenter, request);
    } catch {
      // Never echo the error: it could hold a request value. A bug in the emulator reads as a server error.
      answer = { kind: 'reply', status: 500, headers: { 'content-type': 'text/plain' }, body: 'emulator error' };
    }
    await this.#beforeReply();
    if (answer.kind === 'drop' || this.#closed) {
      request.socket.destroy();
      return;
    }
    try {
      response.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
      response.end(answer.body);
    } catch {
      request.socket.destroy(); // a header Node refuses: the client sees a dropped connection, the process lives on
    }
  }
}
