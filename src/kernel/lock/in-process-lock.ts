import type { RefreshLease, RefreshLockOptions, RefreshLockProvider } from '../../contract/refresh-lock.js';
import { LeaseBook } from './lease-book.js';

// A holder in this process lives exactly as long as its waiters: keeping its lease alive is a longer lease.
const leaseOf = (options: RefreshLockOptions): number => Math.max(options.leaseMs, options.keepAliveMs ?? 0);

interface Waiter {
  readonly leaseMs: number;
  grant(lease: RefreshLease): void;
}

/**
 * A keyed mutex for callers in one process: the refresh lock of the memory stores, and the queue every other
 * store's lock puts its callers in before they try the engine. FIFO per key, a bounded wait, and a lease that
 * expires so a holder that never releases cannot block its key for ever.
 */
export class InProcessLock implements RefreshLockProvider {
  readonly refreshLockScope = 'process' as const;
  /** The waiters of every held key, oldest first; a key is present while it is held. */
  readonly #queues = new Map<string, Waiter[]>();
  readonly #leases = new LeaseBook();

  acquireRefreshLock(key: string, options: RefreshLockOptions): Promise<RefreshLease | null> {
    options.signal?.throwIfAborted();
    const queue = this.#queues.get(key);
    if (!queue) {
      this.#queues.set(key, []);
      return Promise.resolve(this.#grant(key, leaseOf(options)));
    }
    return new Promise<RefreshLease | null>((resolve, reject) => {
      const leave = (): void => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        const index = queue.indexOf(waiter);
        if (index >= 0) queue.splice(index, 1);
      };
      const onAbort = (): void => {
        leave();
        reject(options.signal?.reason);
      };
      const waiter: Waiter = {
        leaseMs: leaseOf(options),
        grant: (lease) => {
          leave();
          resolve(lease);
        },
      };
      // Not unref()ed: a caller is awaiting this wait, and it is bounded by waitMs. (Lease timers are.)
      const timer = setTimeout(() => {
        leave();
        resolve(null);
      }, options.waitMs);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(waiter);
    });
  }

  /** A lease on `key`; ending it hands the key to the oldest waiter, or frees it. */
  #grant(key: string, leaseMs: number): RefreshLease {
    return this.#leases.lease(async () => {
      const next = this.#queues.get(key)?.shift();
      if (next) next.grant(this.#grant(key, next.leaseMs));
      else this.#queues.delete(key);
    }, leaseMs).lease;
  }
}
