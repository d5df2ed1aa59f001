import { supportsFencedSave } from '../contract/fenced-save.js';
import { supportsRefreshLock, type RefreshLease, type RefreshLockOptions } from '../contract/refresh-lock.js';
import type { TokenStore } from '../contract/token-store.js';
import type { LockWaitResult, StoreOperationName } from './lifecycle-events.js';

/** Where an observed store reports: only while `active()`, so a manager nobody listens to times nothing. */
export interface StoreObserver {
  active(): boolean;
  operation(operation: StoreOperationName, startedAt: number, durationMs: number, error: unknown): void;
  lockWait(result: LockWaitResult, waitMs: number, startedAt: number, durationMs: number, error: unknown): void;
  leaseLost(): void;
}

const now = (): number => performance.now();

/** The error type of a failure: its code when it has one, else its name. */
export function errorTypeOf(error: unknown): string {
  const err = error as { code?: unknown; name?: unknown } | null;
  if (typeof err?.code === 'string' && err.code !== '') return err.code;
  return typeof err?.name === 'string' && err.name !== '' ? err.name : 'Error';
}

/**
 * The manager's view of its store: the same store, each call the manager makes timed and reported (store
 * operations, refresh-lock waits at the store's public `acquireRefreshLock`, leases lost). It has the refresh lock and
 * the fenced save only when the store has them, so the manager's checks see the store as it is.
 */
export function observedStore(store: TokenStore, observer: StoreObserver): TokenStore {
  function timed<A extends unknown[], R>(operation: StoreOperationName, call: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
    return (...args: A) => {
      if (!observer.active()) return call(...args);
      const started = now();
      const end = (error: unknown) => observer.operation(operation, performance.timeOrigin + started, now() - started, error);
      return call(...args).then(
        (value) => {
          end(null);
          return value;
        },
        (error: unknown) => {
          end(error);
          throw error;
        },
      );
    };
  }
  const observed: TokenStore & Record<string, unknown> = {
    findToken: timed('findToken', (token) => store.findToken(token)),
    findTokenById: timed('findTokenById', (id) => store.findTokenById(id)),
    saveToken: timed('saveToken', (token) => store.saveToken(token)),
    deleteToken: timed('deleteToken', (id) => store.deleteToken(id)),
    getTokens: () => store.getTokens(),
    deleteTokens: () => store.deleteTokens(),
  };
  if (supportsFencedSave(store))
    observed.saveTokenIf = timed(
      'saveTokenIf',
      (token: Parameters<typeof store.saveTokenIf>[0], condition: Parameters<typeof store.saveTokenIf>[1]) =>
        store.saveTokenIf(token, condition),
    );
  if (supportsRefreshLock(store)) {
    observed.refreshLockScope = store.refreshLockScope;
    observed.acquireRefreshLock = (key: string, options: RefreshLockOptions): Promise<RefreshLease | null> => {
      if (!observer.active()) return store.acquireRefreshLock(key, options);
      const started = now();
      const end = (result: LockWaitResult, error: unknown) =>
        observer.lockWait(result, options.waitMs, performance.timeOrigin + started, now() - started, error);
      return store.acquireRefreshLock(key, options).then(
        (lease) => {
          end(lease !== null ? 'acquired' : options.waitMs === 0 ? 'busy' : 'timeout', null);
          lease?.lost?.addEventListener('abort', () => observer.leaseLost(), { once: true });
          return lease;
        },
        (error: unknown) => {
          end('backend_error', error);
          throw error;
        },
      );
    };
  }
  return observed;
}
