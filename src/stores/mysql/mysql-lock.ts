import { BUSY, type HeldLock, type LockAttemptOptions, type LockBusy, type LockEngine } from '../../kernel/lock/lock-engine.js';
import { rowsOf, type MySqlPool, type MySqlPoolConnection } from './mysql-driver.js';
import { lockName } from './mysql-schema.js';
import type { MySqlTable } from './mysql-table.js';

/**
 * The refresh lock's engine for every process on every host that uses the same server: `GET_LOCK` on a connection
 * kept for as long as the lock is held. The server waits for the lock itself (up to the caller's time left), so a
 * waiter gets it the moment the holder releases. The lock belongs to that session: a holder that dies (SIGKILL,
 * crash, lost network) releases it when the server ends its session.
 */
export class MySqlLockEngine implements LockEngine {
  readonly #ready: () => Promise<{ readonly pool: MySqlPool; readonly table: MySqlTable }>;

  constructor(ready: () => Promise<{ readonly pool: MySqlPool; readonly table: MySqlTable }>) {
    this.#ready = ready;
  }

  /** `key` is a token id; the server-wide lock name also names the database and table. */
  async tryLock(key: string, _leaseMs: number, { waitMs, signal }: LockAttemptOptions): Promise<HeldLock | LockBusy> {
    const { pool, table } = await this.#ready();
    const name = lockName('refresh', table.database, table.name, key);
    const connection: MySqlPoolConnection = await pool.getConnection();
    // Aborting a wait on the server: ending the session ends the wait (and frees the lock if it was just granted).
    const onAbort = (): void => connection.destroy();
    let got: boolean;
    try {
      signal.throwIfAborted();
      signal.addEventListener('abort', onAbort, { once: true });
      const [row] = rowsOf(await connection.query('SELECT GET_LOCK(?, ?) AS got', [name, waitMs / 1_000]));
      got = Number(row?.got) === 1;
    } catch (error) {
      // The session may hold the lock or be half-broken: ending it is the only sure release.
      connection.destroy();
      throw signal.aborted ? signal.reason : error;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    if (!got) {
      connection.release();
      return BUSY;
    }
    return {
      release: async () => {
        try {
          await connection.query('DO RELEASE_LOCK(?)', [name]);
          connection.release();
        } catch {
          // The connection is gone, and its session with it: the server has released the lock already.
          connection.destroy();
        }
      },
    };
  }
}
