import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import { Poller } from '../../kernel/lock/poller.js';

/**
 * The bounded wait of one save or delete for the store-wide write lock: short pauses (1 ms growing to 25 ms: a
 * write holds the lock for two round trips) until `writeLockWaitMs` has passed, then STORE_UNAVAILABLE.
 */
export class WriteLockWait {
  readonly #waitMs: number;
  readonly #poller: Poller;

  constructor(waitMs: number) {
    this.#waitMs = waitMs;
    this.#poller = new Poller({ waitMs, firstMs: 1, maxMs: 25 });
  }

  get expired(): boolean {
    return this.#poller.expired;
  }

  async pause(): Promise<void> {
    if (await this.#poller.pause()) return;
    throw new TokenStoreError(
      ErrorCode.STORE_UNAVAILABLE,
      `Another writer held the Redis store's write lock for longer than writeLockWaitMs (${this.#waitMs} ms); nothing was written. Retry later.`,
    );
  }
}
