import { closeSync, openSync, rmSync } from 'node:fs';
import type { LookupField } from '../../contract/matching-rule.js';
import type { RefreshLease, RefreshLockOptions, RefreshLockScope } from '../../contract/refresh-lock.js';
import type { MaybePromise, TokenBackend, TokenWriter } from '../../contract/token-backend.js';
import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import { EngineLock } from '../../kernel/lock/engine-lock.js';
import { checkStoreFilePath } from '../../kernel/open/check-file-path.js';
import { FIELD_OF_COLUMN, OFFICIAL_COLUMNS } from '../../token/official-columns.js';
import type { TokenRecord } from '../../token/token-fields.js';
import { ConnectionGate } from './sqlite-connection-gate.js';
import { loadSQLiteDriver, openDatabase, type SQLiteDatabase } from './sqlite-driver.js';
import { sqliteError } from './sqlite-errors.js';
import { SQLiteLockEngine } from './sqlite-lock.js';
import { migrate } from './sqlite-migrations.js';
import { DEFAULT_SQLITE_PATH, type SQLiteStoreConfig } from './sqlite-options.js';
import { recordToParams, rowToRecord, type SQLiteRow } from './sqlite-rows.js';
import { Statements } from './sqlite-statements.js';

/**
 * The columns a save by user name can assign (every official column after id and user_name), each with its record
 * field and its bit in a `Statements` column mask. Read straight from the fields: building the whole parameter row
 * for this cost more than the rest of the save's JavaScript.
 */
const ASSIGNABLE = OFFICIAL_COLUMNS.slice(2).map(
  (column, i) => [FIELD_OF_COLUMN[column] as Exclude<keyof TokenRecord, 'id' | 'userName'>, 1 << (i + 1)] as const,
);

/** The database once open: the connection and its prepared statements. */
interface Connection {
  readonly db: SQLiteDatabase;
  readonly sql: Statements;
}

/**
 * Tokens in the article's `oauthtoken` table, through better-sqlite3. The driver is synchronous, so reads return
 * their value directly (no promise) whenever no write is in progress on this connection. Writes are
 * `BEGIN IMMEDIATE` transactions: the write lock is taken before the matching rule reads, so processes sharing
 * the file serialise their saves and never insert the same user twice (the unique index would refuse it anyway).
 * `open()` opens the file (or uses the database given), creates or upgrades the tables and prepares every statement.
 */
export class SQLiteBackend implements TokenBackend {
  readonly refreshLockScope: RefreshLockScope;
  readonly #config: SQLiteStoreConfig;
  readonly #gate = new ConnectionGate();
  readonly #lock: EngineLock;
  readonly #writer: TokenWriter;
  #connection: Connection | null = null;
  #opening: Promise<Connection> | null = null;
  #closed = false;
  /** The rows the write under way has read, by id (writes run one at a time on the gate). */
  readonly #writeReads = new Map<string, SQLiteRow>();

  constructor(config: SQLiteStoreConfig) {
    this.#config = config;
    // A private in-memory database is seen by this connection only.
    this.refreshLockScope = (config.database?.memory ?? config.path === ':memory:') ? 'process' : 'host';
    this.#writer = {
      findBy: (field, value) => this.#find(field, value, this.#writeReads),
      nextId: () => this.#nextId(),
      insert: (record) => void this.#sql().insert.run(...recordToParams(record)),
      update: (record) => this.#update(record),
    };
    const engine = new SQLiteLockEngine(
      {
        leaseEnd: (key) => this.#gate.run(() => (this.#sql().lockHolder.get(key) as { expiresAt: number } | undefined)?.expiresAt ?? null),
        tryTake: (key, owner, expiresAt, now) =>
          this.#gate.run(() =>
            this.#transaction('take a refresh lock', () => this.#sql().takeLock.run(key, owner, expiresAt, now).changes === 1),
          ),
        release: (key, owner) =>
          this.#gate.run(() => this.#transaction('release a refresh lock', () => void this.#sql().releaseLock.run(key, owner))),
        extend: (key, owner, expiresAt) =>
          this.#gate.run(() =>
            this.#transaction('extend a refresh lock', () => this.#sql().extendLock.run(expiresAt, key, owner).changes === 1),
          ),
      },
      this.refreshLockScope === 'host' && config.database === null ? `${config.path}-zts-wake` : null,
    );
    this.#lock = new EngineLock(engine, { scope: this.refreshLockScope, queueLocally: true, poll: { firstMs: 2, maxMs: 50 } });
  }

  async open(): Promise<void> {
    this.#opening ??= this.#openConnection().then(
      (connection) => (this.#connection = connection),
      (error: unknown) => {
        this.#opening = null;
        throw error;
      },
    );
    await this.#opening;
  }

  findBy(field: LookupField, value: string): MaybePromise<TokenRecord | null> {
    return this.#gate.run(() => this.#find(field, value));
  }

  list(): MaybePromise<readonly TokenRecord[]> {
    return this.#gate.run(() => this.#read('list tokens', () => (this.#sql().list.all() as SQLiteRow[]).map(rowToRecord)));
  }

  deleteById(id: string): MaybePromise<void> {
    return this.#gate.run(() => this.#transaction('delete a token', () => void this.#sql().deleteById.run(id)));
  }

  deleteAll(): MaybePromise<void> {
    return this.#gate.run(() => this.#transaction('delete all tokens', () => void this.#sql().deleteAll.run()));
  }

  write<T>(work: (writer: TokenWriter) => Promise<T>): Promise<T> {
    return this.#gate.enqueue(async () => {
      this.#begin('save a token');
      try {
        const result = await work(this.#writer);
        this.#sql().commit.run();
        return result;
      } catch (error) {
        if (this.#connection?.db.inTransaction) this.#sql().rollback.run();
        throw sqliteError('save a token', error, this.#config.path);
      } finally {
        this.#writeReads.clear();
      }
    });
  }

  /**
   * The save of an existing user's token in one statement (see `Statements.updateByUserNameOf`): it assigns the
   * given columns and keeps the others, the merge `write` would make. A value a foreign writer left in a form the
   * reading rules normalise (an empty string, an expiry that is not a number) stays as it is and reads the same.
   * Inside a transaction of the caller's own on a database they passed in, it leaves the save to `write`.
   */
  updateByUserName(fields: Omit<TokenRecord, 'id'>, plaintextOnly: boolean): MaybePromise<string | null> {
    return this.#gate.run(() => {
      const sql = this.#sql();
      if (fields.userName === null || this.#connection?.db.inTransaction) return null;
      let mask = 0;
      const values: string[] = [];
      for (const [field, bit] of ASSIGNABLE) {
        const value = fields[field];
        if (value === null) continue;
        mask |= bit;
        values.push(typeof value === 'number' ? String(value) : value);
      }
      if (mask === 0) return null;
      try {
        const id = sql.updateByUserNameOf(mask, plaintextOnly).get(...values, fields.userName) as string | number | bigint | undefined;
        return id === undefined ? null : String(id);
      } catch (error) {
        throw sqliteError('save a token', error, this.#config.path);
      }
    });
  }

  acquireRefreshLock(key: string, options: RefreshLockOptions): Promise<RefreshLease | null> {
    return this.#lock.acquireRefreshLock(key, options);
  }

  /** Waits for queued work, releases this store's refresh locks, and closes the database if the store opened it. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#opening?.catch(() => undefined);
    await this.#gate.enqueue(async () => undefined);
    if (this.#connection === null) return;
    await this.#lock.close();
    const { db } = this.#connection;
    if (this.#config.database === null && db.open) db.close();
  }

  /** The prepared statements; the store hands itself out only once open. */
  #sql(): Statements {
    if (this.#connection === null) {
      throw new TokenStoreError(ErrorCode.TOKEN_STORE, 'The SQLite store is not open yet; use the store SQLiteStore.open() resolves to.');
    }
    return this.#connection.sql;
  }

  async #openConnection(): Promise<Connection> {
    const config = this.#config;
    const { db, created } = config.database === null ? await openOwned(config) : { db: config.database, created: false };
    try {
      if (this.#closed) throw new TokenStoreError(ErrorCode.STORE_CLOSED, 'The SQLite store was closed while it opened.');
      migrate(db);
      return { db, sql: new Statements(db) };
    } catch (error) {
      if (config.database === null) db.close();
      if (created) removeCreated(config.path);
      throw sqliteError('open the token tables', error, config.path);
    }
  }

  /** One row by a lookup field; a write's reads are kept in `reads` (by id) for its update to compare with. */
  #find(field: LookupField, value: string, reads?: Map<string, SQLiteRow>): TokenRecord | null {
    try {
      const row = this.#sql().findBy[field].get(value) as SQLiteRow | undefined;
      if (row === undefined) return null;
      if (reads !== undefined) reads.set(String(row[0]), row);
      return rowToRecord(row);
    } catch (error) {
      throw sqliteError('find a token', error, this.#config.path);
    }
  }

  /** Updates the columns that differ from the row this write read (all of them if it read none). */
  #update(record: TokenRecord): void {
    const params = recordToParams(record);
    const read = this.#writeReads.get(record.id);
    let mask = 0;
    const values: Array<string | null> = [];
    for (let column = 1; column < params.length; column += 1) {
      const value = params[column] ?? null;
      if (read !== undefined && read[column] === value) continue;
      mask |= 1 << (column - 1);
      values.push(value);
    }
    if (mask !== 0)
      this.#sql()
        .updateOf(mask)
        .run(...values, record.id);
  }

  #read<T>(action: string, read: () => T): T {
    try {
      return read();
    } catch (error) {
      throw sqliteError(action, error, this.#config.path);
    }
  }

  /**
   * The next id as the official stores make them, `max + 1` over the decimal ids (read through an index, inside
   * the write transaction, so no other process can take it meanwhile). Ids beyond 2^63 are clamped by SQLite,
   * hence the loop that skips any id still taken.
   */
  #nextId(): string {
    const sql = this.#sql();
    const max = (sql.maxNumericId.get() as { max: number | bigint | null }).max;
    let next = BigInt(max ?? 0) + 1n;
    if (next < 1n) next = 1n;
    while (sql.findBy.id.get(String(next)) !== undefined) next += 1n;
    return String(next);
  }

  #begin(action: string): void {
    try {
      this.#sql().begin.run();
    } catch (error) {
      throw sqliteError(action, error, this.#config.path);
    }
  }

  /** A short synchronous write in its own `BEGIN IMMEDIATE` transaction. */
  #transaction<T>(action: string, body: () => T): T {
    this.#begin(action);
    try {
      const result = body();
      this.#sql().commit.run();
      return result;
    } catch (error) {
      if (this.#connection?.db.inTransaction) this.#sql().rollback.run();
      throw sqliteError(action, error, this.#config.path);
    }
  }
}

/**
 * Creates a missing database file readable by its owner only (0600): it holds refresh tokens. SQLite gives its
 * -wal and -shm files the database file's permissions. An existing file keeps the permissions its owner chose.
 * True when this call created the file.
 */
function createPrivately(path: string): boolean {
  if (path === ':memory:' || path === '') return false;
  try {
    closeSync(openSync(path, 'wx', 0o600));
    return true;
  } catch (error) {
    // A missing folder or a permission problem is left for SQLite to report, as it would without this step.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST' && code !== 'ENOENT' && code !== 'EACCES' && code !== 'ENOTDIR') throw error;
    return false;
  }
}

/** A failed open leaves no file behind: removes the database this open created (it holds no token) and SQLite's side files. */
function removeCreated(path: string): void {
  for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) rmSync(file, { force: true });
}

/** Opens the file with the connection settings for several processes sharing it (see docs/sqlite-store.md). */
async function openOwned(config: SQLiteStoreConfig): Promise<{ db: SQLiteDatabase; created: boolean }> {
  let db: SQLiteDatabase | null = null;
  let created = false;
  if (config.path !== ':memory:') checkStoreFilePath('SQLiteStore', config.path, DEFAULT_SQLITE_PATH);
  try {
    await loadSQLiteDriver(); // a missing driver is reported before any file is created
    created = createPrivately(config.path);
    db = await openDatabase(config.path, config.busyTimeoutMs); // sets busy_timeout
    if (!db.memory) db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${config.durability === 'full' ? 'FULL' : 'NORMAL'}`);
    return { db, created };
  } catch (error) {
    db?.close();
    if (created) removeCreated(config.path);
    throw sqliteError('open the database', error, config.path);
  }
}
