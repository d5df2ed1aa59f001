import type { LookupField } from '../../contract/matching-rule.js';
import type { TokenBackend, TokenWriter } from '../../contract/token-backend.js';
import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import type { RefreshLease, RefreshLockOptions } from '../../contract/refresh-lock.js';
import { officialRowToRecord } from '../../token/official-columns.js';
import type { TokenRecord } from '../../token/token-fields.js';
import { asPromisePool, loadMysql2, rowsOf, type MySqlPool, type MySqlPoolConnection } from './mysql-driver.js';
import { isConnectionError, isDeadlock, isDuplicateKey, toStoreError, withUnknownOutcome } from './mysql-errors.js';
import type { MySQLStoreConfig } from './mysql-options.js';
import { EngineLock } from '../../kernel/lock/engine-lock.js';
import { MySqlLockEngine } from './mysql-lock.js';
import { lockName, prepareTable } from './mysql-schema.js';
import { bindsOf, type MySqlTable } from './mysql-table.js';
import { readRow, type StoredRow } from './mysql-rows.js';
import { OptimisticWrites, type LockedWrite } from '../../kernel/write/optimistic-writes.js';
import { compareAndSet, LockedWriteSession, RowChanged } from './mysql-write.js';

// A save retried this many times after a duplicate key or a vanished row (both caused by writers that do not take
// the write lock, such as the official SDK) reports the conflict instead of trying again.
const WRITE_ATTEMPTS = 5;
// Lookup keys (five per row at most) whose last version this process keeps for compare-and-set saves.
const VERSION_CACHE_KEYS = 50_000;

interface Ready {
  readonly pool: MySqlPool;
  readonly table: MySqlTable;
  readonly writeLock: string;
}

/**
 * The official `oauthtoken` table on MySQL or MariaDB, through a mysql2 pool. Lookups are one prepared statement
 * each; an update of a known row is one compare-and-set statement, and every other save holds the table's
 * `GET_LOCK` around a transaction (serialised with every other MySQLStore on any host); refreshes take a
 * per-token `GET_LOCK` on a connection held for the lease. The pool and the table are prepared on first use; a
 * failed start (server down) is retried by the next call.
 */
export class MySqlBackend implements TokenBackend {
  readonly refreshLockScope = 'cluster' as const;
  readonly #config: MySQLStoreConfig;
  readonly #refreshLock: EngineLock;
  readonly #lockReleases = new Set<Promise<void>>();
  readonly #writes: OptimisticWrites<StoredRow>;
  #pool: MySqlPool | null = null;
  #ready: Ready | null = null;
  #starting: Promise<Ready> | null = null;
  #closed = false;

  constructor(config: MySQLStoreConfig) {
    this.#config = config;
    if (config.pool) this.#pool = asPromisePool(config.pool);
    this.#refreshLock = new EngineLock(
      new MySqlLockEngine(
        () => this.start(),
        (error, action) => toStoreError(error, action, this.#where),
      ),
      { scope: 'cluster', queueLocally: true, poll: { firstMs: 5, maxMs: 100 } },
    );
    this.#writes = new OptimisticWrites<StoredRow>(
      {
        read: async (field, value) => {
          const { pool, table } = await this.start();
          return this.#typed('save a token', () => readRow(pool, table, field, value));
        },
        compareAndSet: async (previous, next) => {
          const { pool, table } = await this.start();
          // One statement, committed by itself: once sent, a lost connection leaves its outcome unknown.
          return this.#typed('save a token', () => compareAndSet(pool, table, previous, next)).catch((error: unknown) => {
            throw withUnknownOutcome(error, 'save a token', this.#where);
          });
        },
        lockedWrite: (work) => this.#lockedWrite(work),
      },
      // A save starts from a row found by any lookup key (five per row at most); writes of this process queue.
      { cacheKeys: VERSION_CACHE_KEYS, serialise: true },
    );
  }

  /** `database.table` once known, for messages. */
  get #where(): string {
    return this.#ready?.table.label ?? `${this.#config.database ?? "(the pool's database)"}.${this.#config.table}`;
  }

  /** `database.table` once the store has started, else null. */
  get tableLabel(): string | null {
    return this.#ready?.table.label ?? null;
  }

  /** Opens the pool (when the store owns it) and prepares the table. */
  async open(): Promise<void> {
    await this.start();
  }

  /** The pool and table, once prepared (prepared now if they are not). */
  start(): Promise<Ready> {
    if (this.#ready) return Promise.resolve(this.#ready);
    this.#starting ??= this.#start().then(
      (ready) => {
        this.#ready = ready;
        return ready;
      },
      (error: unknown) => {
        this.#starting = null; // the next call tries again: the server may be back
        throw toStoreError(error, 'open the token table', this.#where);
      },
    );
    return this.#starting;
  }

  async #start(): Promise<Ready> {
    if (this.#closed) throw new TokenStoreError(ErrorCode.STORE_CLOSED, 'The MySQL store is closed; open a new one to use it again.');
    if (!this.#pool) {
      const mysql2 = await loadMysql2();
      const pool = mysql2.createPool({ ...this.#config.connection });
      // An idle connection that loses the server reports it on the pool's connection: never let that crash the
      // process. The pool drops the connection and opens a new one when needed.
      pool.on('connection', (connection) => connection.on('error', () => undefined));
      this.#pool = pool;
    }
    const table = await prepareTable(this.#pool, this.#config);
    return { pool: this.#pool, table, writeLock: lockName('write', table.database, table.name) };
  }

  findBy(field: LookupField, value: string): Promise<TokenRecord | null> {
    const ready = this.#ready;
    const found = ready ? readRow(ready.pool, ready.table, field, value) : this.start().then((r) => readRow(r.pool, r.table, field, value));
    return found.then(
      // The save that usually follows a find starts from this version.
      (row) => this.#writes.remember(row)?.record ?? null,
      (error: unknown) => Promise.reject(toStoreError(error, 'find a token', this.#where)),
    );
  }

  async list(): Promise<readonly TokenRecord[]> {
    const { pool, table } = await this.start();
    try {
      return rowsOf(await pool.execute(table.selectAll)).map((row) =>
        officialRowToRecord(row as Parameters<typeof officialRowToRecord>[0]),
      );
    } catch (error) {
      throw toStoreError(error, 'list tokens', this.#where);
    }
  }

  async deleteById(id: string): Promise<void> {
    const { pool, table } = await this.start();
    try {
      this.#writes.forgetId(id);
      await pool.execute(table.deleteById.sql, bindsOf(table.deleteById, id));
    } catch (error) {
      throw withUnknownOutcome(toStoreError(error, 'delete a token', this.#where), 'delete a token', this.#where);
    }
  }

  async deleteAll(): Promise<void> {
    const { pool, table } = await this.start();
    try {
      this.#writes.forgetAll();
      await pool.execute(table.deleteAll);
    } catch (error) {
      throw withUnknownOutcome(toStoreError(error, 'delete every token', this.#where), 'delete every token', this.#where);
    }
  }

  /**
   * The kernel's save loop (OptimisticWrites), one save at a time per process: an update of a row this process has
   * seen is one compare-and-set statement; every other save runs under the table's GET_LOCK (`#lockedWrite`).
   */
  write<T>(work: (writer: TokenWriter) => Promise<T>): Promise<T> {
    return this.#writes.write(work);
  }

  /**
   * A save under the table's GET_LOCK, serialised with every MySQLStore on any host, in a transaction whose reads
   * lock their rows; ids (`max + 1`) are computed there. A duplicate key or a changed row under the lock can only
   * come from a writer that does not take the lock (the official SDK), and a deadlock only from one that does not
   * either: the work runs again on fresh reads.
   */
  async #lockedWrite<T>(work: (writer: TokenWriter) => Promise<T>): Promise<LockedWrite<T, StoredRow>> {
    const ready = await this.start();
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.#writeOnce(ready, work);
      } catch (error) {
        const retryable = isDuplicateKey(error) || isDeadlock(error) || error instanceof RowChanged;
        if (retryable && attempt < WRITE_ATTEMPTS) continue;
        if (retryable) {
          throw new TokenStoreError(
            ErrorCode.TOKEN_CONFLICT,
            `MySQLStore: another writer kept changing the same row of ${this.#where} (or a user name equal under the column's collation is stored); nothing was saved.`,
            { cause: error },
          );
        }
        throw toStoreError(error, 'save a token', this.#where);
      }
    }
  }

  /** Runs a driver call; its failure becomes the store's typed error for `action`. */
  async #typed<T>(action: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw toStoreError(error, action, this.#where);
    }
  }

  async #writeOnce<T>(ready: Ready, work: (writer: TokenWriter) => Promise<T>): Promise<LockedWrite<T, StoredRow>> {
    const connection = await ready.pool.getConnection();
    let locked = false;
    let broken = false;
    try {
      const [row] = rowsOf(await connection.query('SELECT GET_LOCK(?, ?) AS got', [ready.writeLock, this.#config.writeLockWaitMs / 1_000]));
      if (Number(row?.got) !== 1) {
        throw new TokenStoreError(
          ErrorCode.STORE_UNAVAILABLE,
          `MySQLStore: another writer held the write lock of ${ready.table.label} for more than ${this.#config.writeLockWaitMs} ms; nothing was saved, retry.`,
        );
      }
      locked = true;
      const session = new LockedWriteSession(connection, ready.table);
      try {
        const value = await work(session.writer);
        try {
          return { value, written: await session.commit() };
        } catch (error) {
          // Lost before COMMIT was sent, the server rolls the transaction back; after, it may have committed.
          if (isConnectionError(error)) broken = true;
          throw withUnknownOutcome(toStoreError(error, 'save a token', this.#where), 'save a token', this.#where);
        }
      } catch (error) {
        await session.rollback().catch(() => {
          broken = true;
        });
        throw error;
      }
    } catch (error) {
      if (isConnectionError(error)) broken = true;
      throw error;
    } finally {
      // A broken session is ended: the server then rolls back what it had and releases the lock.
      if (broken) connection.destroy();
      else if (locked) this.#releaseLater(connection, ready.writeLock);
      else connection.release();
    }
  }

  /**
   * Releases the write lock without making the save wait for the answer: the next writer's GET_LOCK waits on the
   * server for it anyway. The connection goes back to the pool once the lock is released; `close()` waits for it.
   */
  #releaseLater(connection: MySqlPoolConnection, name: string): void {
    const release = connection.query('DO RELEASE_LOCK(?)', [name]).then(
      () => connection.release(),
      () => connection.destroy(), // ending the session releases the lock
    );
    this.#lockReleases.add(release);
    void release.finally(() => this.#lockReleases.delete(release));
  }

  async acquireRefreshLock(key: string, options: RefreshLockOptions): Promise<RefreshLease | null> {
    try {
      return await this.#refreshLock.acquireRefreshLock(key, options);
    } catch (error) {
      if (options.signal?.aborted && error === options.signal.reason) throw error;
      throw toStoreError(error, 'take the refresh lock', this.#where);
    }
  }

  /** Releases held refresh leases, waits for pending lock releases, and ends the pool if the store created it. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#starting?.catch(() => undefined);
    await this.#refreshLock.close();
    await Promise.all(this.#lockReleases);
    if (!this.#config.pool && this.#pool) await this.#pool.end();
  }
}
