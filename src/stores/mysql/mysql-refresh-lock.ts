import { InProcessLock } from '../../kernel/lock/in-process-lock.js';
import type { RefreshLease, RefreshLockOptions } from '../../contract/refresh-lock.js';
import { rowsOf, type MySqlPool, type MySqlPoolConnection } from './mysql-driver.js';

/**
 * The refresh lock for every process on every host that uses the same server: `GET_LOCK` on a connection held
 * for the lease. The lock belongs to that session, so a holder that dies (SIGKILL, crash, lost network) releases
 * it when the server ends its session, and the lease timer releases it from a holder that lives but never calls
 * `release()`. Callers in one process queue on an in-process lock first, so a process holds at most one
 * connection per key, waiting or holding.
 */
export class MySqlRefreshLock {
  readonly #local = new InProcessLock();
  readonly #held = new Set<() => Promise<void>>();

  async acquire(pool: MySqlPool, name: string, key: string, options: RefreshLockOptions): Promise<RefreshLease | null> {
    const deadline = Date.now() + options.waitMs;
    const local = await this.#local.acquireRefreshLock(key, options);
    if (local === null) return null;
    let connection: MySqlPoolConnection | null = null;
    const onAbort = (): void => connection?.destroy();
    try {
      connection = await pool.getConnection();
      options.signal?.throwIfAborted();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const waitSeconds = Math.max(0, deadline - Date.now()) / 1_000;
      const [row] = rowsOf(await connection.query('SELECT GET_LOCK(?, ?) AS got', [name, waitSeconds]));
      options.signal?.removeEventListener('abort', onAbort);
      options.signal?.throwIfAborted();
      if (Number(row?.got) !== 1) {
        connection.release();
        await local.release();
        return null;
      }
      return this.#lease(connection, name, local, options.leaseMs);
    } catch (error) {
      options.signal?.removeEventListener('abort', onAbort);
      // The session may hold the lock or be half-broken: ending it is the only sure release.
      connection?.destroy();
      await local.release();
      throw options.signal?.aborted ? options.signal.reason : error;
    }
  }

  /** Releases every lease still held (the store is closing). */
  async releaseAll(): Promise<void> {
    await Promise.all([...this.#held].map((release) => release()));
  }

  #lease(connection: MySqlPoolConnection, name: string, local: RefreshLease, leaseMs: number): RefreshLease {
    let done: Promise<void> | null = null;
    const release = (): Promise<void> => {
      done ??= (async () => {
        clearTimeout(expiry);
        this.#held.delete(release);
        try {
          await connection.query('DO RELEASE_LOCK(?)', [name]);
          connection.release();
        } catch {
          // The connection is gone, and its session with it: the server has released the lock already.
          connection.destroy();
        } finally {
          await local.release();
        }
      })();
      return done;
    };
    const expiry = setTimeout(() => void release(), leaseMs);
    expiry.unref();
    this.#held.add(release);
    return { release };
  }
}
