// A TCP proxy in front of a real database server whose answers can be held back, to cut a write after the server
// received it: the outcome-unknown tests of the server stores.
import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * A TCP proxy whose answers from the server can be held back: from now on (`holdReplies()`), or from when the
 * client's bytes include a marker (`holdRepliesAfter('COMMIT')`). `cut()` then drops every connection.
 */
export class ReplyHoldingProxy {
  readonly #sockets = new Set<Socket>();
  readonly #server: Server;
  #holding = false;
  #marker: string | null = null;
  /** Bytes the client sent while the answers were held. */
  sentWhileHolding = 0;

  constructor(target: { host: string; port: number }) {
    this.#server = createServer((client) => {
      const upstream = connect(target);
      let tail = '';
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket
          .on('error', () => undefined)
          .on('close', () => {
            client.destroy();
            upstream.destroy();
          });
      }
      client.on('data', (chunk: Buffer) => {
        upstream.write(chunk);
        if (this.#holding) this.sentWhileHolding += chunk.length;
        const seen = tail + chunk.toString('latin1');
        if (this.#marker !== null && seen.includes(this.#marker)) this.#holding = true;
        tail = seen.slice(-Math.max(16, this.#marker?.length ?? 0)); // a marker split across two chunks is still seen
      });
      upstream.on('data', (chunk: Buffer) => {
        if (!this.#holding) client.write(chunk);
      });
    });
  }

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return (this.#server.address() as { port: number }).port;
  }

  holdReplies(): void {
    this.#holding = true;
  }

  holdRepliesAfter(marker: string): void {
    this.#marker = marker;
  }

  /** Drops every connection; new ones are forwarded both ways again. */
  cut(): void {
    this.#holding = false;
    this.#marker = null;
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

/** Polls until `check` holds (the server applied the write), for at most 20 s. */
export async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await delay(20);
  }
}
