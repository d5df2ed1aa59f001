import type { MaybePromise } from '../../contract/token-backend.js';
import { SerialQueue } from '../../kernel/lock/serial-queue.js';

/**
 * Keeps one connection's work in order. A store's write is a transaction that spans a few awaits (the matching
 * rule runs between its statements), and anything else run on the connection in between would join that
 * transaction: see its uncommitted rows, or be rolled back with it. So while a write is queued or running, every
 * other statement waits behind it; when the connection is idle, a call runs at once and returns its value
 * directly, which keeps `findToken` free of promises and queues.
 */
export class ConnectionGate {
  readonly #queue = new SerialQueue();
  #pending = 0;

  /** Runs `task` now if nothing is queued; otherwise after the queued work, as a promise. */
  run<T>(task: () => T): MaybePromise<T> {
    if (this.#pending === 0) return task();
    return this.enqueue(async () => task());
  }

  /** Runs `task` after everything queued before it; nothing else runs on the connection until it settles. */
  enqueue<T>(task: () => Promise<T>): Promise<T> {
    this.#pending += 1;
    const done = (): void => {
      this.#pending -= 1;
    };
    const result = this.#queue.run(task);
    result.then(done, done);
    return result;
  }
}
