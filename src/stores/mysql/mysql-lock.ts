import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import { BUSY, type HeldLock, type LockBusy, type LockEngine } from '../../kernel/lock/lock-engine.js';
import { headerOf, rowsOf, type MySqlPool, type MySqlPoolConnection } from './mysql-driver.js';
import { LOCK_TABLE, lockName } from './mysql-schema.js';
import type { MySqlTable } from './mysql-table.js';
import { MySqlWakeChannel, WakeSlots } from './mysql-wake.js';

/**
 * The refresh lock's engine for every process on every host that uses the same server: a row per lock in the
 * database's `zts_locks` table, holding its owner and the end of its lease in the server's clock, in UTC
 * (`UTC_TIMESTAMP(6)`, never `NOW(6)`: `expires_at` is a DATETIME, which keeps no zone, and NOW() is in the session's
 * time zone, so two sessions with different `time_zone` settings, or one either side of a DST change of the server's
 * SYSTEM zone, would read each other's leases hours too long or already over; a row written by an older version in a
 * non-UTC session reads off by that zone's offset until its lease ends or is released: docs/mysql-store.md). Taking,
 * extending and releasing compare the owner, and no holder's timer is trusted: a holder that dies or is paused loses
 * the lock when its lease ends on the server, and can then neither extend nor release the lock a later holder took.
 * A holder also holds a named lock (`GET_LOCK`) while it can spare the connection, which wakes blocked waiters the
 * moment it lets go (`MySqlWakeChannel`).
 */
export class MySqlLockEngine implements LockEngine {
  readonly #ready: () => Promise<{ readonly pool: MySqlPool; readonly table: MySqlTable }>;
  readonly #typed: (error: unknown, action: string) => unknown;
  #slots: WakeSlots | null = null;
  readonly wake: MySqlWakeChannel;

  /** `typed` turns a driver error into the store's typed error (so an unreachable server is STORE_UNAVAILABLE). */
  constructor(
    ready: () => Promise<{ readonly pool: MySqlPool; readonly table: MySqlTable }>,
    typed: (error: unknown, action: string) => unknown,
  ) {
    this.#ready = ready;
    this.#typed = typed;
    this.wake = new MySqlWakeChannel(
      async () => {
        const { pool } = await this.#ready();
        return { pool, slots: this.#slotsOf(pool) };
      },
      async (key) => signalName((await this.#ready()).table, key),
    );
  }

  #slotsOf(pool: MySqlPool): WakeSlots {
    return (this.#slots ??= new WakeSlots(pool));
  }

  /** `key` is a token id; the row's name also names the table (hashed to fit the column). */
  async tryLock(key: string, leaseMs: number): Promise<HeldLock | LockBusy> {
    const { pool, table } = await this.#ready();
    const locks = `\`${table.database}\`.\`${LOCK_TABLE}\``;
    const name = lockName('refresh', table.database, table.name, key);
    const owner = randomUUID();
    const micros = Math.ceil(leaseMs * 1_000);
    const signal = signalName(table, key);
    const slots = this.#slotsOf(pool);
    // Whether this attempt, if it takes the lock, also holds the wake signal (on its connection, kept until release).
    const slotTaken = slots.take();
    let signalling = false;
    let connection: MySqlPoolConnection;
    try {
      connection = await pool.getConnection();
    } catch (error) {
      if (slotTaken) slots.free();
      throw this.#typed(error, 'take the refresh lock');
    }
    try {
      // Taken when the row is new or its lease has ended. Assignments run left to right: the second sees the new owner.
      await connection.query(
        `INSERT INTO ${locks} (name, owner, expires_at) VALUES (?, ?, UTC_TIMESTAMP(6) + INTERVAL ? MICROSECOND)
         ON DUPLICATE KEY UPDATE owner = IF(expires_at <= UTC_TIMESTAMP(6), VALUES(owner), owner),
           expires_at = IF(owner = VALUES(owner), VALUES(expires_at), expires_at)`,
        [name, owner, micros],
      );
      // The signal is taken in the same statement, and only by the lease's new owner.
      const signalled = slotTaken ? `, IF(owner = ?, GET_LOCK(?, 0), NULL) AS signalled` : '';
      const [row] = rowsOf(
        await connection.query(
          `SELECT owner, TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(6), expires_at) AS left_us${signalled} FROM ${locks} WHERE name = ?`,
          slotTaken ? [owner, signal, name] : [name],
        ),
      );
      if (row?.owner !== owner) {
        const left = Number(row?.left_us);
        return Number.isFinite(left) ? { busy: true, retryInMs: Math.max(1, Math.ceil(left / 1_000)) } : BUSY;
      }
      // Not taken (a former holder's session still has it): the waiters will poll.
      signalling = slotTaken && Number(row.signalled) === 1;
    } catch (error) {
      throw this.#typed(missingTable(error, table.database), 'take the refresh lock');
    } finally {
      if (!signalling) {
        connection.release();
        if (slotTaken) slots.free();
      }
    }
    let signalHeld: MySqlPoolConnection | null = signalling ? connection : null;
    const dropSignal = async (): Promise<void> => {
      const held = signalHeld;
      signalHeld = null;
      if (held === null) return;
      try {
        await held.query('DO RELEASE_LOCK(?)', [signal]);
        held.release();
      } catch {
        held.destroy(); // ending the session ends its named locks
      } finally {
        slots.free();
      }
    };
    return {
      release: async () => {
        try {
          await pool.query(`DELETE FROM ${locks} WHERE name = ? AND owner = ?`, [name, owner]);
        } catch (error) {
          await dropSignal();
          throw this.#typed(error, 'release the refresh lock');
        }
        // After the row is gone, so a woken waiter finds the lock free.
        await dropSignal();
      },
      extend: async (ms) => {
        try {
          const sql = `UPDATE ${locks} SET expires_at = UTC_TIMESTAMP(6) + INTERVAL ? MICROSECOND WHERE name = ? AND owner = ?`;
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

/** The named lock a holder holds while it can, to wake waiters (GET_LOCK names are at most 64 characters). */
function signalName(table: MySqlTable, key: string): string {
  return lockName('wake', table.database, table.name, key);
}
