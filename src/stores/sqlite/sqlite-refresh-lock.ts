import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../../errors/codes.js';
import { TokenArgumentError, TokenStoreError } from '../../errors/token-store-error.js';
import { InProcessLock } from '../../lock/in-process-lock.js';
import type { RefreshLease, RefreshLockOptions } from '../../lock/refresh-lock.js';

/** What the lock needs from the backend: one short write transaction per attempt, run in connection order. */
export interface LockTable {
  /** Takes the lock for `owner` until `expiresAt` if it is free or its lease ended; true when taken. */
  tryTake(key: string, owner: string, expiresAt: number, now: number): Promise<boolean> | boolean;
  /** End of the current lease on `key`, or null when nobody holds it. A plain read: no write lock. */
  leaseEnd(key: string): Promise<number | null> | number | null;
  /** Deletes the lock row if `owner` still holds it. */
  release(key: string, owner: string): Promise<void> | void;
}

const FIRST_POLL_MS = 2;
const MAX_POLL_MS = 50;

interface Waiting {
  readonly timer: NodeJS.Timeout;
  readonly stop: (error: unknown) => void;
}

/**
 * The refresh lock for every process that opens one database file: a row per key in the lock table, holding an
 * owner and a lease end, taken in a `BEGIN IMMEDIATE` transaction. A process that finds it held polls with a
 * growing delay (2 ms doubling to 50 ms) until the lease ends, the holder deletes the row, or `waitMs` passes.
 * A holder that died leaves its row behind; the next caller takes it over once its lease has ended.
 *
 * Callers in one process first queue on an in-process lock, so only one of them polls the file and the others
 * are woken the moment it releases, in order.
 */
export class SQLiteRefreshLock {
  readonly #table: LockTable;
  readonly #local = new InProcessLock();
  readonly #waiting = new Set<Waiting>();
  readonly #held = new Map<string, { key: string; release: () => Promise<void> }>();
  #closed = false;

  constructor(table: LockTable) {
    this.#table = table;
  }

  async acquire(key: string, options: RefreshLockOptions): Promise<RefreshLease | null> {
    validateLockOptions(options);
    const deadline = Date.now() + options.waitMs;
    const local = await this.#local.acquireRefreshLock(key, options);
    if (local === null) return null;
    try {
      const owner = `${process.pid}:${randomUUID()}`;
      if (!(await this.#takeShared(key, owner, options, deadline))) {
        await local.release();
        return null;
      }
      let released = false;
      const release = async (): Promise<void> => {
        if (released) return;
        released = true;
        this.#held.delete(owner);
        try {
          if (!this.#closed) await this.#table.release(key, owner);
        } finally {
          await local.release();
        }
      };
      this.#held.set(owner, { key, release });
      return { release };
    } catch (error) {
      await local.release();
      throw error;
    }
  }

  /** Stops every wait (they reject with STORE_CLOSED) and releases the locks this store holds. */
  async close(): Promise<void> {
    const closed = new TokenStoreError(ErrorCode.STORE_CLOSED, 'The SQLite store was closed while waiting for a refresh lock.');
    for (const waiting of [...this.#waiting]) waiting.stop(closed);
    for (const held of [...this.#held.values()]) await held.release();
    this.#closed = true;
  }

  async #takeShared(key: string, owner: string, options: RefreshLockOptions, deadline: number): Promise<boolean> {
    let delay = FIRST_POLL_MS;
    for (;;) {
      if (this.#closed) throw new TokenStoreError(ErrorCode.STORE_CLOSED, 'The SQLite store is closed; open a new one.');
      options.signal?.throwIfAborted();
      const now = Date.now();
      const end = await this.#table.leaseEnd(key);
      // Only a lock that looks free is worth a write transaction; the transaction decides.
      if ((end === null || end <= now) && (await this.#table.tryTake(key, owner, now + options.leaseMs, now))) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      const untilLeaseEnds = end === null ? delay : Math.max(1, end - Date.now());
      await this.#sleep(Math.min(delay, untilLeaseEnds, left), options.signal);
      delay = Math.min(delay * 2, MAX_POLL_MS);
    }
  }

  #sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const finish = (error?: unknown): void => {
        clearTimeout(waiting.timer);
        this.#waiting.delete(waiting);
        signal?.removeEventListener('abort', onAbort);
        if (error === undefined) resolve();
        else reject(error);
      };
      const onAbort = (): void => finish(signal?.reason);
      const waiting: Waiting = { timer: setTimeout(() => finish(), ms), stop: finish };
      waiting.timer.unref();
      this.#waiting.add(waiting);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

function validateLockOptions(options: RefreshLockOptions): void {
  const valid = (value: unknown): boolean => typeof value === 'number' && Number.isFinite(value) && value >= 0;
  if (typeof options !== 'object' || options === null || !valid(options.waitMs) || !valid(options.leaseMs) || options.leaseMs === 0) {
    throw new TokenArgumentError(
      ErrorCode.INVALID_ARGUMENT,
      'acquireRefreshLock needs { waitMs, leaseMs } as milliseconds (waitMs 0 or more, leaseMs more than 0).',
    );
  }
}
