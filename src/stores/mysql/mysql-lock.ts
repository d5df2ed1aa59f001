import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import { BUSY, type HeldLock, type LockBusy, type LockEngine } from '../../kernel/lock/lock-engine.js';
import { headerOf, rowsOf, type MySqlPool } from './mysql-driver.js';
import { LOCK_TABLE, lockName } from './mysql-schema.js';
import type { MySqlTable } from './mysql-table.js';

/**
 * The refresh lock's engine for every process on every host that uses the same server: a row per lock in the
 * database's `zts_locks` table, holding its owner and the end of its lease in the server's clock (NOW(6)). Taking,
 * extending and releasing compare the owner, and no holder's timer is trusted: a holder that dies or is paused loses
 * the lock when its lease ends on the server, and can then neither extend nor release the lock a later holder took.
 */
export class MySqlLockEngine implements LockEngine {
  readonly #ready: () => Promise<{ readonly pool: MySqlPool; readonly table: MySqlTable }>;
  readonly #typed: (error: unknown, action: string) => unknown;

  /** `typed` turns a driver error into the store's typed error (so an unreachable server is STORE_UNAVAILABLE). */
  constructor(ready: () => Promise<{ readonly pool: MySqlPool; readonly table: MySqlTable }>, typed: (error: unknown, action: string) => unknown) {
    this.#ready = ready;
    this.#typed = typed;
  }

  /** `key` is a token id; the row's name also names the table (hashed to fit the column). */
  async tryLock(key: string, leaseMs: number): Promise<HeldLock | LockBusy> {
    const { pool, table } = await this.#ready();
    const locks = `\`${table.database}\`.\`${LOCK_TABLE}\``;
    const name = lockName('refresh', table.database, table.name, key);
    const owner = randomUUID();
    const micros = Math.ceil(leaseMs * 1_000);
    let connection: Awaited<ReturnType<typeof pool.getConnection>>;
    try {
      connection = await pool.getConnection();
    } catch (error) {
      throw this.#typed(error, 'take the refresh lock');
    }
    try {
      // Taken when the row is new or its lease has ended. Assignments run left to right: the second sees the new owner.
      await connection.query(
        `INSERT INTO ${locks} (name, owner, expires_at) VALUES (?, ?, NOW(6) + INTERVAL ? MICROSECOND)
         ON DUPLICATE KEY UPDATE owner = IF(expires_at <= NOW(6), VALUES(owner), owner),
           expires_at = IF(owner = VALUES(owner), VALUES(expires_at), expires_at)`,
        [name, owner, micros],
      );
      const [row] = rowsOf(
        await connection.query(`SELECT owner, TIMESTAMPDIFF(MICROSECOND, NOW(6), expires_at) AS left_us FROM ${locks} WHERE name = ?`, [name]),
      );
      if (row?.owner !== owner) {
        const left = Number(row?.left_us);
        return Number.isFinite(left) ? { busy: true, retryInMs: Math.max(1, Math.ceil(left / 1_000)) } : BUSY;
      }
    } catch (error) {
      throw this.#typed(missingTable(error, table.database), 'take the refresh lock');
    } finally {
      connection.release();
    }
    return {
      release: async () => {
        try {
          await pool.query(`DELETE FROM ${locks} WHERE name = ? AND owner = ?`, [name, owner]);
        } catch (error) {
          throw this.#typed(error, 'release the refresh lock');
        }
      },
      extend: async (ms) => {
        try {
          const sql = `UPDATE ${locks} SET expires_at = NOW(6) + INTERVAL ? MICROSECOND WHERE name = ? AND owner = ?`;
          return headerOf(await pool.query(sql, [Math.ceil(ms * 1_000), name, owner])).affectedRows === 1;
        } catch (error) {
          throw this.#typed(error, 'extend the refresh lock');
        }
      },
    };
  }
}

/** A lock table the store could not create (createTable: false): what to do, rather than a bare ER_NO_SUCH_TABLE. */
function missingTable(error: unknown, database: string): unknown {
  if ((error as { code?: unknown } | null)?.code !== 'ER_NO_SUCH_TABLE') return error;
  return new TokenStoreError(
    ErrorCode.INVALID_CONFIG,
    `MySQLStore could not take the refresh lock: the table ${database}.${LOCK_TABLE} does not exist. Create it as docs/mysql-store.md shows, or open the store once with createTable: true.`,
    { cause: error },
  );
}
