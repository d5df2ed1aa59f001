/**
 * The seam for coordinating refreshes across every caller that shares a store: the lifecycle engine takes this
 * lock around "re-read the token, refresh only if still needed, save", so one expiry costs one refresh request.
 * Each store implements it with its own engine (an in-process mutex for memory stores; a lock directory, a lock row
 * in SQLite, MySQL or PostgreSQL, or Redis `SET NX PX` for the others).
 */
export interface RefreshLockOptions {
  /** How long to wait for the lock before giving up; `acquireRefreshLock` then resolves to `null`. */
  readonly waitMs: number;
  /**
   * How long a holder may keep the lock before others may take it, so a holder that died does not block
   * everyone. Stores whose lock ends with the holder's session (a connection, a process) may ignore it.
   */
  readonly leaseMs: number;
  /**
   * Keep the lease alive while its holder lives, for at most this long in all (0 or absent: no). The store extends
   * the lease every third of `leaseMs` (a heartbeat) until the holder releases or `keepAliveMs` has passed; a holder
   * that dies or is paused stops beating, and its lease ends `leaseMs` after the last beat. So `leaseMs` says how soon
   * a dead holder is noticed, not how long a live one may work: what a refresh that may take long needs.
   */
  readonly keepAliveMs?: number;
  /** Aborts the wait; `acquireRefreshLock` then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

export interface RefreshLease {
  /** Releases the lock if this lease still holds it. Safe to call twice. */
  release(): Promise<void>;
  /**
   * Aborted once this lease is known to be over before its release: its time ran out, or a heartbeat found another
   * holder had taken the lock (this one was paused past its lease). Work begun under it must then be committed only
   * with a check that nothing changed meanwhile (a fenced commit). Absent from leases of stores that cannot tell.
   */
  readonly lost?: AbortSignal;
}

/** What the lock covers: one process, every process on one host, or every host that reaches the store. */
export type RefreshLockScope = 'process' | 'host' | 'cluster';

export interface RefreshLockProvider {
  readonly refreshLockScope: RefreshLockScope;
  /**
   * Takes the exclusive refresh lock named by `key` (a token id). Resolves to a lease, or to `null` when the wait
   * bound passed: the caller then re-reads the token, since the holder has most likely refreshed it.
   */
  acquireRefreshLock(key: string, options: RefreshLockOptions): Promise<RefreshLease | null>;
}

/** True when a store offers the refresh lock. */
export function supportsRefreshLock<T extends object>(store: T): store is T & RefreshLockProvider {
  return typeof (store as Partial<RefreshLockProvider>).acquireRefreshLock === 'function';
}
