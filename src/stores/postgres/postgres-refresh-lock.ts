import { sleep } from '../../time/sleep.js';
import { ErrorCode } from '../../errors/codes.js';
import { TokenArgumentError } from '../../errors/token-store-error.js';
import type { RefreshLease, RefreshLockOptions } from '../../contract/refresh-lock.js';
import { advisoryKey } from './advisory-key.js';
import type { PostgresPool, PostgresPoolClient } from './postgres-driver.js';
import { toStoreError } from './postgres-errors.js';
import type { PostgresStatements } from './postgres-sql.js';

const FIRST_BACKOFF_MS = 5;
const MAX_BACKOFF_MS = 100;

// setTimeout fires at once for delays past 2^31 - 1 ms (about 24.8 days); a longer lease is capped there.
const MAX_TIMER_MS = 2_147_483_647;

function milliseconds(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TokenArgumentError(ErrorCode.INVALID_ARGUMENT, `acquireRefreshLock: ${name} must be a non-negative number of milliseconds.`);
  }
  return value;
}


/**
 * The cluster-wide refresh lock: a PostgreSQL session advisory lock per (table, token id), taken on a client of
 * its own and held for the lease. `pg_try_advisory_lock` is polled with a growing backoff until `waitMs` passes
 * (then `null`: the caller re-reads); polling rather than a blocking `pg_advisory_lock` keeps the wait
 * cancellable by the AbortSignal without a server-side cancel. A holder that dies loses its session, and the
 * server releases the lock at once; a holder that lives but keeps the lease past `leaseMs` loses it too.
 */
export class PostgresRefreshLock {
  readonly #sql: PostgresStatements;
  readonly #lockName: string;
  readonly #leases = new Set<() => Promise<void>>();

  constructor(sql: PostgresStatements, schema: string, table: string) {
    this.#sql = sql;
    this.#lockName = `${schema}.${table}`;
  }

  async acquire(pool: PostgresPool, key: string, options: RefreshLockOptions): Promise<RefreshLease | null> {
    const waitMs = milliseconds(options.waitMs, 'waitMs');
    const leaseMs = milliseconds(options.leaseMs, 'leaseMs');
    options.signal?.throwIfAborted();
    const deadline = Date.now() + waitMs;
    const lockKey = advisoryKey('refresh', this.#lockName, key);
    let client: PostgresPoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw toStoreError(error, 'take the refresh lock');
    }
    // A checked-out client has no error listener of its pool's: without this one a dropped connection would
    // be an unhandled 'error' event. The session, and with it the lock, is gone; the lease notices on release.
    let lost: Error | null = null;
    const onError = (error: Error): void => {
      lost = error;
    };
    client.on('error', onError);
    const giveBack = (error?: Error): void => {
      client.removeListener('error', onError);
      client.release(error ?? lost ?? undefined);
    };
    try {
      let backoff = FIRST_BACKOFF_MS;
      for (;;) {
        const result = await client.query(this.#sql.tryLock, [lockKey]);
        if (result.rows[0]?.locked === true) return this.#lease(client, lockKey, leaseMs, giveBack);
        const left = deadline - Date.now();
        if (left <= 0) {
          giveBack();
          return null;
        }
        // Jitter keeps waiters from polling in lockstep.
        await sleep(Math.min(left, backoff * (0.5 + Math.random())), options.signal);
        backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
      }
    } catch (error) {
      const aborted = options.signal?.aborted === true && error === options.signal.reason;
      // An aborted wait holds no lock, so the client goes back to the pool intact.
      giveBack(aborted ? undefined : error instanceof Error ? error : new Error('refresh lock wait failed'));
      throw aborted ? error : toStoreError(error, 'take the refresh lock');
    }
  }

  /** Releases every lease still held (on close). */
  async releaseAll(): Promise<void> {
    await Promise.all([...this.#leases].map((release) => release()));
  }

  #lease(client: PostgresPoolClient, lockKey: string, leaseMs: number, giveBack: (error?: Error) => void): RefreshLease {
    let released: Promise<void> | null = null;
    const release = (): Promise<void> => {
      released ??= (async () => {
        clearTimeout(expiry);
        this.#leases.delete(release);
        try {
          await client.query(this.#sql.unlock, [lockKey]);
          giveBack();
        } catch (error) {
          // The unlock failed, so the session may still hold the lock: destroy the client, which ends the session.
          giveBack(error instanceof Error ? error : new Error('advisory unlock failed'));
        }
      })();
      return released;
    };
    const expiry = setTimeout(() => void release(), Math.min(leaseMs, MAX_TIMER_MS));
    expiry.unref();
    this.#leases.add(release);
    return { release };
  }
}
