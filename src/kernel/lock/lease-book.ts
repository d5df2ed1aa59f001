import type { RefreshLease } from '../../contract/refresh-lock.js';
import { MAX_TIMER_MS } from './lock-options.js';

/**
 * The leases a lock has handed out: each ends once, by `release()`, by its expiry after `leaseMs` (a holder that
 * never releases cannot block its key for ever), or by `releaseAll()` when the store closes. Ending it runs the
 * `end` the lock gave; a second release is a no-op and resolves when the first has finished. `end` must not reject.
 */
export class LeaseBook {
  readonly #held = new Set<() => Promise<void>>();

  lease(end: () => Promise<void>, leaseMs: number): RefreshLease {
    let ended: Promise<void> | null = null;
    const release = (): Promise<void> => {
      ended ??= (async () => {
        clearTimeout(expiry);
        this.#held.delete(release);
        await end();
      })();
      return ended;
    };
    // unref()ed: an expiring lease is no reason to keep the process alive.
    const expiry = setTimeout(() => void release(), Math.min(leaseMs, MAX_TIMER_MS));
    expiry.unref();
    this.#held.add(release);
    return { release };
  }

  /** Ends every lease still held. */
  async releaseAll(): Promise<void> {
    await Promise.all([...this.#held].map((release) => release()));
  }
}
