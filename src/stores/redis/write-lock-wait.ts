import { sleep } from '../../time/sleep.js';
import { Backoff } from './backoff.js';
import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';

/**
 * The bounded wait of one save or delete for the store-wide write lock: short pauses (1 ms doubling to 25 ms,
 * jittered: a write holds the lock for two round trips) until `writeLockWaitMs` has passed, then STORE_UNAVAILABLE.
 */
export class WriteLockWait {
  readonly #waitMs: number;
  readonly #deadline: number;
  readonly #backoff = new Backoff(1, 25);

  constructor(waitMs: number) {
    this.#waitMs = waitMs;
    this.#deadline = Date.now() + waitMs;
  }

  get expired(): boolean {
    return Date.now() >= this.#deadline;
  }

  async pause(): Promise<void> {
    const left = this.#deadline - Date.now();
    if (left <= 0) {
      throw new TokenStoreError(
        ErrorCode.STORE_UNAVAILABLE,
        `Another writer held the Redis store's write lock for longer than writeLockWaitMs (${this.#waitMs} ms); nothing was written. Retry later.`,
      );
    }
    await sleep(Math.min(this.#backoff.next(), left));
  }
}
