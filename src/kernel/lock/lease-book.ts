import type { RefreshLease } from '../../contract/refresh-lock.js';
import { MAX_TIMER_MS } from './lock-options.js';

/** A lease as its lock sees it: the holder's lease, and a way to push its end further. */
export interface BookedLease {
  readonly lease: RefreshLease & { readonly lost: AbortSignal };
  /** Moves the lease's end to `ms` from now (a heartbeat that reached the engine). */
  renew(ms: number): void;
  /** Ends the lease as lost: its lock is known to be someone else's now. */
  lose(): Promise<void>;
}

/**
 * The leases a lock has handed out: each ends once, by `release()`, by its expiry (a holder that never releases
 * cannot block its key for ever), or by `releaseAll()` when the store closes. Ending it runs the `end` the lock gave;
 * a second release is a no-op and resolves when the first has finished. `end` must not reject. A lease that ends
 * before its holder released it (expiry, loss, close) aborts its `lost` signal.
 */
export class LeaseBook {
  readonly #held = new Set<() => Promise<void>>();

  lease(end: () => Promise<void>, leaseMs: number): BookedLease {
    const lost = new AbortController();
    let ended: Promise<void> | null = null;
    const finish = (asLost: boolean): Promise<void> => {
      ended ??= (async () => {
        clearTimeout(expiry);
        this.#held.delete(onClose);
        if (asLost) lost.abort(new Error('the lease ended before its holder released it'));
        await end();
      })();
      return ended;
    };
    const onClose = (): Promise<void> => finish(true);
    // unref()ed: an expiring lease is no reason to keep the process alive.
    let expiry = setTimeout(() => void finish(true), Math.min(leaseMs, MAX_TIMER_MS));
    expiry.unref();
    this.#held.add(onClose);
    return {
      lease: { release: () => finish(false), lost: lost.signal },
      renew: (ms) => {
        if (ended !== null) return;
        clearTimeout(expiry);
        expiry = setTimeout(() => void finish(true), Math.min(ms, MAX_TIMER_MS));
        expiry.unref();
      },
      lose: () => finish(true),
    };
  }

  /** Ends every lease still held. */
  async releaseAll(): Promise<void> {
    await Promise.all([...this.#held].map((close) => close()));
  }
}
