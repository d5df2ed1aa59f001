import type { LookupField } from '../../contract/matching-rule.js';
import type { MaybePromise, TokenBackend, TokenWriter } from '../../contract/token-backend.js';
import type { RefreshLease, RefreshLockOptions, RefreshLockScope } from '../../contract/refresh-lock.js';
import type { TokenRecord } from '../../token/token-fields.js';
import { ConnectionGate } from './connection-gate.js';
import type { SQLiteDatabase } from './driver.js';
import { SQLiteRefreshLock } from './sqlite-refresh-lock.js';
import { sqliteError } from './sqlite-errors.js';
import { Statements } from './statements.js';
import { recordToParams, rowToRecord, type SQLiteRow } from './token-rows.js';

/**
 * Tokens in the article's `oauthtoken` table, through better-sqlite3. The driver is synchronous, so reads return
 * their value directly (no promise) whenever no write is in progress on this connection. Writes are
 * `BEGIN IMMEDIATE` transactions: the write lock is taken before the matching rule reads, so processes sharing
 * the file serialise their saves and never insert the same user twice (the unique index would refuse it anyway).
 */
export class SQLiteBackend implements TokenBackend {
  readonly refreshLockScope: RefreshLockScope;
  readonly #db: SQLiteDatabase;
  readonly #ownsDatabase: boolean;
  readonly #path: string;
  readonly #sql: Statements;
  readonly #gate = new ConnectionGate();
  readonly #lock: SQLiteRefreshLock;
  readonly #writer: TokenWriter;
  #closed = false;

  /** Takes a migrated database; `ownsDatabase` says whether `close()` closes it. */
  constructor(db: SQLiteDatabase, ownsDatabase: boolean) {
    this.#db = db;
    this.#ownsDatabase = ownsDatabase;
    this.#path = db.name;
    this.#sql = new Statements(db);
    // A private in-memory database is seen by this connection only.
    this.refreshLockScope = db.memory ? 'process' : 'host';
    this.#writer = {
      findBy: (field, value) => this.#find(field, value),
      nextId: () => this.#nextId(),
      insert: (record) => void this.#sql.insert.run(...recordToParams(record)),
      update: (record) => {
        const [id, ...rest] = recordToParams(record);
        this.#sql.update.run(...rest, id);
      },
    };
    this.#lock = new SQLiteRefreshLock({
      leaseEnd: (key) => this.#gate.run(() => (this.#sql.lockHolder.get(key) as { expiresAt: number } | undefined)?.expiresAt ?? null),
      tryTake: (key, owner, expiresAt, now) =>
        this.#gate.run(() => this.#transaction('take a refresh lock', () => this.#sql.takeLock.run(key, owner, expiresAt, now).changes === 1)),
      release: (key, owner) => this.#gate.run(() => this.#transaction('release a refresh lock', () => void this.#sql.releaseLock.run(key, owner))),
    });
  }

  findBy(field: LookupField, value: string): MaybePromise<TokenRecord | null> {
    return this.#gate.run(() => this.#find(field, value));
  }

  list(): MaybePromise<readonly TokenRecord[]> {
    return this.#gate.run(() => this.#read('list tokens', () => (this.#sql.list.all() as SQLiteRow[]).map(rowToRecord)));
  }

  deleteById(id: string): MaybePromise<void> {
    return this.#gate.run(() => this.#transaction('delete a token', () => void this.#sql.deleteById.run(id)));
  }

  deleteAll(): MaybePromise<void> {
    return this.#gate.run(() => this.#transaction('delete all tokens', () => void this.#sql.deleteAll.run()));
  }

  write<T>(work: (writer: TokenWriter) => Promise<T>): Promise<T> {
    return this.#gate.enqueue(async () => {
      this.#begin('save a token');
      try {
        const result = await work(this.#writer);
        this.#sql.commit.run();
        return result;
      } catch (error) {
        if (this.#db.inTransaction) this.#sql.rollback.run();
        throw sqliteError('save a token', error, this.#path);
      }
    });
  }

  acquireRefreshLock(key: string, options: RefreshLockOptions): Promise<RefreshLease | null> {
    return this.#lock.acquire(key, options);
  }

  /** Waits for queued work, releases this store's refresh locks, and closes the database if the store opened it. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#gate.enqueue(async () => undefined);
    await this.#lock.close();
    if (this.#ownsDatabase && this.#db.open) this.#db.close();
  }

  #find(field: LookupField, value: string): TokenRecord | null {
    try {
      const row = this.#sql.findBy[field].get(value) as SQLiteRow | undefined;
      return row === undefined ? null : rowToRecord(row);
    } catch (error) {
      throw sqliteError('find a token', error, this.#path);
    }
  }

  #read<T>(action: string, read: () => T): T {
    try {
      return read();
    } catch (error) {
      throw sqliteError(action, error, this.#path);
    }
  }

  /**
   * The next id as the official stores make them, `max + 1` over the decimal ids (read through an index, inside
   * the write transaction, so no other process can take it meanwhile). Ids beyond 2^63 are clamped by SQLite,
   * hence the loop that skips any id still taken.
   */
  #nextId(): string {
    const max = (this.#sql.maxNumericId.get() as { max: number | bigint | null }).max;
    let next = BigInt(max ?? 0) + 1n;
    if (next < 1n) next = 1n;
    while (this.#sql.findBy.id.get(String(next)) !== undefined) next += 1n;
    return String(next);
  }

  #begin(action: string): void {
    try {
      this.#sql.begin.run();
    } catch (error) {
      throw sqliteError(action, error, this.#path);
    }
  }

  /** A short synchronous write in its own `BEGIN IMMEDIATE` transaction. */
  #transaction<T>(action: string, body: () => T): T {
    this.#begin(action);
    try {
      const result = body();
      this.#sql.commit.run();
      return result;
    } catch (error) {
      if (this.#db.inTransaction) this.#sql.rollback.run();
      throw sqliteError(action, error, this.#path);
    }
  }
}
