import { BUSY, type HeldLock, type LockBusy, type LockEngine } from '../../kernel/lock/lock-engine.js';
import { advisoryKey } from './postgres-advisory-key.js';
import type { PostgresPool } from './postgres-driver.js';
import { toStoreError } from './postgres-errors.js';
import type { PostgresStatements } from './postgres-sql.js';

/**
 * The refresh lock's engine for every host that reaches the server: a PostgreSQL session advisory lock per (table,
 * token id), tried with `pg_try_advisory_lock` on a client of its own, which is kept for as long as the lock is held.
 * A holder that dies loses its session, and the server releases the lock at once.
 */
export class PostgresLockEngine implements LockEngine {
  readonly #sql: PostgresStatements;
  readonly #lockName: string;
  readonly #pool: () => Promise<PostgresPool>;

  constructor(sql: PostgresStatements, schema: string, table: string, pool: () => Promise<PostgresPool>) {
    this.#sql = sql;
    this.#lockName = `${schema}.${table}`;
    this.#pool = pool;
  }

  async tryLock(name: string): Promise<HeldLock | LockBusy> {
    const lockKey = advisoryKey('refresh', this.#lockName, name);
    let client;
    try {
      client = await (await this.#pool()).connect();
    } catch (error) {
      throw toStoreError(error, 'take the refresh lock');
    }
    // A checked-out client has no error listener of its pool's: without this one a dropped connection would
    // be an unhandled 'error' event. The session, and with it the lock, is gone; the release notices.
    let lost: Error | undefined;
    const onError = (error: Error): void => {
      lost = error;
    };
    client.on('error', onError);
    const giveBack = (error?: Error): void => {
      client.removeListener('error', onError);
      client.release(error ?? lost);
    };
    let locked: boolean;
    try {
      locked = (await client.query(this.#sql.tryLock, [lockKey])).rows[0]?.locked === true;
    } catch (error) {
      giveBack(error instanceof Error ? error : new Error('advisory lock failed'));
      throw toStoreError(error, 'take the refresh lock');
    }
    if (!locked) {
      giveBack();
      return BUSY;
    }
    return {
      release: async () => {
        try {
          await client.query(this.#sql.unlock, [lockKey]);
          giveBack();
        } catch (error) {
          // The unlock failed, so the session may still hold the lock: destroy the client, which ends the session.
          giveBack(error instanceof Error ? error : new Error('advisory unlock failed'));
        }
      },
    };
  }
}
