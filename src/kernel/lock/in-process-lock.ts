import type { RefreshLease, RefreshLockOptions, RefreshLockProvider } from '../../contract/refresh-lock.js';

interface Waiter {
  readonly leaseMs: number;
  grant(lease: RefreshLease): void;
}

interface KeyState {
  readonly queue: Waiter[];
  expiry: NodeJS.Timeout | null;
}

/**
 * A keyed mutex for callers in one process: the refresh lock of the memory stores. FIFO per key, a bounded
 * wait, and a lease that expires so a holder that never releases cannot block its key forever.
 */
export class InProcessLock implements RefreshLockProvider {
  readonly refreshLockScope = 'process' as const;
  readonly #keys = new Map<string, KeyState>();

  acquireRefreshLock(key: string, options: RefreshLockOptions): Promise<RefreshLease | null> {
    options.signal?.throwIfAborted();
    const state = this.#keys.get(key);
    if (!state) {
      const fresh: KeyState = { queue: [], expiry: null };
      this.#keys.set(key, fresh);
      return Promise.resolve(this.#grant(key, fresh, options.leaseMs));
    }
    return new Promise<RefreshLease | null>((resolve, reject) => {
      const leave = (): void => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        const index = state.queue.indexOf(waiter);
        if (index >= 0) state.queue.splice(index, 1);
      };
      const onAbort = (): void => {
        leave();
        reject(options.signal?.reason);
      };
      const waiter: Waiter = {
        leaseMs: options.leaseMs,
        grant: (lease) => {
          leave();
          resolve(lease);
        },
      };
      const timer = setTimeout(() => {
        leave();
        resolve(null);
      }, options.waitMs);
      // Not unref()ed: a caller is awaiting this wait, and it is bounded by waitMs. (Lease timers below are.)
      options.signal?.addEventListener('abort', onAbort, { once: true });
      state.queue.push(waiter);
    });
  }

  #grant(key: string, state: KeyState, leaseMs: number): RefreshLease {
    let released = false;
    const release = (): Promise<void> => {
      if (released) return Promise.resolve();
      released = true;
      if (state.expiry) clearTimeout(state.expiry);
      state.expiry = null;
      const next = state.queue[0];
      if (next) next.grant(this.#grant(key, state, next.leaseMs));
      else this.#keys.delete(key);
      return Promise.resolve();
    };
    state.expiry = setTimeout(() => void release(), leaseMs);
    state.expiry.unref();
    return { release };
  }
}
