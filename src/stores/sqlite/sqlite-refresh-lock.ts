import { sleep } from '../../time/sleep.js';
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { ErrorCode } from '../../errors/codes.js';
import { TokenArgumentError, TokenStoreError } from '../../errors/token-store-error.js';
import { InProcessLock } from '../../kernel/lock/in-process-lock.js';
import type { RefreshLease, RefreshLockOptions } from '../../contract/refresh-lock.js';

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
  /** Aborted by close(): ends every wait, in the in-process queue or polling the file. */
  readonly #closing = new AbortController();
  readonly #held = new Set<() => Promise<void>>();
  /** Lock rows whose release failed (the database was locked or failing), by key: the owner to delete later. */
  readonly #unreleased = new Map<string, string>();
  #tableClosed = false;

  constructor(table: LockTable) {
    this.#table = table;
    // One listener per wait in progress; many concurrent waits are expected, not a leak.
    setMaxListeners(0, this.#closing.signal);
  }

  async acquire(key: string, options: RefreshLockOptions): Promise<RefreshLease | null> {
    validateLockOptions(options);
    const deadline = Date.now() + options.waitMs;
    const { signal, unlink } = eitherSignal(options.signal, this.#closing.signal);
    try {
      const local = await this.#local.acquireRefreshLock(key, { waitMs: options.waitMs, leaseMs: options.leaseMs, signal });
      if (local === null) return null;
      try {
        await this.#deleteUnreleased(key);
        const owner = `${process.pid}:${randomUUID()}`;
        if (!(await this.#takeShared(key, owner, options.leaseMs, deadline, signal))) {
          await local.release();
          return null;
        }
        let released = false;
        const release = async (): Promise<void> => {
          if (released) return;
          released = true;
          this.#held.delete(release);
          try {
            if (!this.#tableClosed) await this.#table.release(key, owner);
          } catch (error) {
            this.#unreleased.set(key, owner);
            throw error;
          } finally {
            await local.release();
          }
        };
        this.#held.add(release);
        return { release };
      } catch (error) {
        await local.release();
        throw error;
      }
    } finally {
      unlink();
    }
  }

  /** Ends every wait (they reject with STORE_CLOSED) and releases the locks this store holds. Call before closing the database. */
  async close(): Promise<void> {
    this.#closing.abort(new TokenStoreError(ErrorCode.STORE_CLOSED, 'The SQLite store was closed while waiting for a refresh lock.'));
    for (const release of [...this.#held]) await release();
    this.#tableClosed = true;
  }

  /**
   * A lease of this store whose release failed would keep every caller waiting until it ends. Holding the
   * in-process lock for its key, this store knows that lease is over, so it deletes the row (if it still can).
   */
  async #deleteUnreleased(key: string): Promise<void> {
    const owner = this.#unreleased.get(key);
    if (owner === undefined) return;
    try {
      await this.#table.release(key, owner);
      this.#unreleased.delete(key);
    } catch {
      // Still failing: the lease ends on its own at its leaseMs.
    }
  }

  async #takeShared(key: string, owner: string, leaseMs: number, deadline: number, signal: AbortSignal): Promise<boolean> {
    let delay = FIRST_POLL_MS;
    for (;;) {
      signal.throwIfAborted();
      const now = Date.now();
      const end = await this.#table.leaseEnd(key);
      // Only a lock that looks free is worth a write transaction; the transaction decides.
      if ((end === null || end <= now) && (await this.#table.tryTake(key, owner, now + leaseMs, now))) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      const untilLeaseEnds = end === null ? delay : Math.max(1, end - Date.now());
      await sleep(Math.min(delay, untilLeaseEnds, left), signal);
      delay = Math.min(delay * 2, MAX_POLL_MS);
    }
  }
}

/** A signal that aborts when either does, with that one's reason; `unlink` removes its listeners. */
function eitherSignal(caller: AbortSignal | undefined, closing: AbortSignal): { signal: AbortSignal; unlink: () => void } {
  if (caller === undefined) return { signal: closing, unlink: () => undefined };
  const controller = new AbortController();
  const fromCaller = (): void => controller.abort(caller.reason);
  const fromClosing = (): void => controller.abort(closing.reason);
  if (caller.aborted) fromCaller();
  else if (closing.aborted) fromClosing();
  caller.addEventListener('abort', fromCaller, { once: true });
  closing.addEventListener('abort', fromClosing, { once: true });
  return {
    signal: controller.signal,
    unlink: () => {
      caller.removeEventListener('abort', fromCaller);
      closing.removeEventListener('abort', fromClosing);
    },
  };
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
