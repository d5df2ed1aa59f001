import { randomUUID } from 'node:crypto';
import { BUSY, type HeldLock, type LockBusy, type LockEngine } from '../../kernel/lock/lock-engine.js';
import type { PostgresPool, PostgresQueryResult } from './postgres-driver.js';
import { toStoreError } from './postgres-errors.js';
import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import { LOCK_TABLE, type PostgresStatements } from './postgres-sql.js';
import { PostgresWakeChannel } from './postgres-wake.js';

/**
 * The refresh lock's engine for every host that reaches the server: a row per lock in the schema's `zts_locks`
 * table, holding its owner and the end of its lease in the server's clock. Taking, extending and releasing are one
 * statement each, compared on the owner, so they hold behind a transaction-mode pooler (PgBouncer) and no holder's
 * timer is trusted: a holder that dies or is paused loses the lock when its lease ends on the server, and can then
 * neither extend nor release the lock a later holder took. A release notifies its name, which wakes the waiters of
 * every process that listens (`PostgresWakeChannel`).
 */
export class PostgresLockEngine implements LockEngine {
  readonly #sql: PostgresStatements;
  readonly #table: string;
  readonly #pool: () => Promise<PostgresPool>;
  readonly wake: PostgresWakeChannel;

  constructor(sql: PostgresStatements, table: string, pool: () => Promise<PostgresPool>) {
    this.#sql = sql;
    this.#table = table;
    this.#pool = pool;
    this.wake = new PostgresWakeChannel(pool, `${table}/`);
  }

  async tryLock(key: string, leaseMs: number): Promise<HeldLock | LockBusy> {
    const name = `${this.#table}/${key}`;
    const owner = randomUUID();
    const row = (await this.#run('take the refresh lock', this.#sql.tryLock, [name, owner, leaseMs])).rows[0] as
      | { taken: boolean; left_ms: number | null }
      | undefined;
    if (row?.taken !== true) return row?.left_ms == null ? BUSY : { busy: true, retryInMs: Math.max(1, Math.ceil(row.left_ms)) };
    return {
      release: async () => void (await this.#run('release the refresh lock', this.#sql.releaseLock, [name, owner])),
      extend: async (ms) => (await this.#run('extend the refresh lock', this.#sql.extendLock, [name, owner, ms])).rowCount === 1,
    };
  }

  async #run(action: string, text: string, values: readonly unknown[]): Promise<PostgresQueryResult> {
    const pool = await this.#pool();
    try {
      return await pool.query(text, values);
    } catch (error) {
      if ((error as { code?: unknown } | null)?.code === '42P01') {
        throw new TokenStoreError(
          ErrorCode.INVALID_CONFIG,
          `The PostgreSQL store could not ${action}: its lock table ${LOCK_TABLE} does not exist in the schema, and the store's user may not create it. Create it as docs/postgres-store.md shows, or open the store once as a user who may.`,
          { cause: error },
        );
      }
      throw toStoreError(error, action);
    }
  }
}
