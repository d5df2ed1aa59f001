import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy the test controls, to simulate a database going away without touching the shared server:
 * `cut()` drops every connection and refuses new ones; `restore()` accepts again on the same port.
 */
export class TcpProxy {
  readonly #target: { host: string; port: number };
  readonly #sockets = new Set<Socket>();
  #server: Server | null = null;
  #port = 0;

  constructor(targetHost: string, targetPort: number) {
    this.#target = { host: targetHost, port: targetPort };
  }

  get port(): number {
    return this.#port;
  }

  async start(): Promise<this> {
    await this.#listen(0);
    return this;
  }

  /** Drops every open connection (a reset for both sides) and stops accepting new ones. */
  async cut(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Accepts connections again, on the same port. */
  async restore(): Promise<void> {
    if (!this.#server) await this.#listen(this.#port);
  }

  async close(): Promise<void> {
    await this.cut();
  }

  #listen(port: number): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.#target);
      this.#sockets.add(client);
      this.#sockets.add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.#sockets.delete(client);
        this.#sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    this.#server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        if (address && typeof address === 'object') this.#port = address.port;
        resolve();
      });
    });
  }
}
