import type { RefreshLease, RefreshLockOptions, RefreshLockScope } from '../../contract/refresh-lock.js';
import type { TokenStore } from '../../contract/token-store.js';
import { ConformanceViolation } from './violation.js';

/**
 * What a store offers beyond the six methods, as the kit checks it: a refresh lock and `close()`. Declare it in
 * `ConformanceOptions.capabilities`; left undeclared, the kit looks at the store, and rules about a part the store
 * does not have are reported as not applicable.
 */
export interface StoreCapabilities {
  /** The store has `acquireRefreshLock` and `refreshLockScope` (what TokenManager coordinates refreshes with). */
  readonly refreshLock?: boolean;
  /** The store has `close()`. */
  readonly close?: boolean;
  /** The store has `saveTokenIf`, the fenced save TokenManager commits refreshes with. */
  readonly fencedSave?: boolean;
}

/** The parts of a store the lock and close rules call. */
export interface LockingStore extends TokenStore {
  readonly refreshLockScope: RefreshLockScope;
  acquireRefreshLock(key: string, options: RefreshLockOptions): Promise<RefreshLease | null>;
}

export interface ClosableStore extends TokenStore {
  close(): Promise<void>;
}

/** Thrown by a rule about a part the store does not have (and was not declared to have). */
export class NotApplicable extends Error {
  override readonly name = 'NotApplicable';
}

/** The store as one with a refresh lock, or NotApplicable; a declared lock that is missing is a violation. */
export function lockingStore(store: TokenStore, rule: string, declared: boolean | undefined): LockingStore {
  const candidate = store as Partial<LockingStore>;
  const has = typeof candidate.acquireRefreshLock === 'function';
  if (has) return store as LockingStore;
  if (declared === true)
    throw new ConformanceViolation(rule, 'the store is declared to have a refresh lock, but it has no acquireRefreshLock method.');
  throw new NotApplicable(`${rule}: the store has no refresh lock`);
}

/** The store as one with close(), or NotApplicable; a declared close() that is missing is a violation. */
export function closableStore(store: TokenStore, rule: string, declared: boolean | undefined): ClosableStore {
  if (typeof (store as Partial<ClosableStore>).close === 'function') return store as ClosableStore;
  if (declared === true) throw new ConformanceViolation(rule, 'the store is declared to have close(), but it has none.');
  throw new NotApplicable(`${rule}: the store has no close()`);
}
