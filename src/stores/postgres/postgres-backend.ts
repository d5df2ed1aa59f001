import type { LookupField } from '../../contract/matching-rule.js';
import type { TokenBackend, TokenWriter } from '../../contract/token-backend.js';
import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import type { RefreshLease, RefreshLockOptions } from '../../contract/refresh-lock.js';
import { OFFICIAL_COLUMNS, officialRowToRecord, recordToOfficialRow } from '../../token/official-columns.js';
import type { TokenRecord } from '../../token/token-fields.js';
import { advisoryKey } from './postgres-advisory-key.js';
import {
  createPgPool,
  type PostgresPool,
  type PostgresPoolClient,
  type PostgresQueryable,
  type PostgresQueryResult,
} from './postgres-driver.js';
import { toStoreError, withUnknownOutcome } from './postgres-errors.js';
import type { PostgresStoreConfig } from './postgres-options.js';
import { EngineLock } from '../../kernel/lock/engine-lock.js';
import { PostgresLockEngine } from './postgres-lock.js';
import { postgresStatements, type PostgresStatements } from './postgres-sql.js';
import { OptimisticWrites, type LockedWrite } from '../../kernel/write/optimistic-writes.js';

type Row = Record<string, unknown>;

// Lookup keys (two per row: id and user name) whose last version this process keeps for compare-and-set saves.
const VERSION_CACHE_KEYS = 50_000;

/** A row as read: the record, and the ten column values exactly as stored, which a compare-and-set requires. */
interface PostgresRow {
  readonly record: TokenRecord;
  readonly raw: readonly unknown[];
}

const toRecord = (row: Row): TokenRecord => officialRowToRecord(row as Parameters<typeof officialRowToRecord>[0]);
const toStoredRow = (row: Row): PostgresRow => ({ record: toRecord(row), raw: OFFICIAL_COLUMNS.map((column) => row[column] ?? null) });
// The unique keys: a cached row found by one of them is proven current by the compare-and-set alone.
const UNIQUE_FIELDS: readonly LookupField[] = ['id', 'userName'];

function rowValues(record: TokenRecord): unknown[] {
  const row = recordToOfficialRow(record);
  return OFFICIAL_COLUMNS.map((column) => row[column]);
}

/** A write transaction as `work` sees it. */
interface Transaction {
  readonly client: PostgresPoolClient;
  /** Runs a statement whose result only matters at COMMIT; `check` may refuse its result. */
  send(action: string, text: string, values?: readonly unknown[], check?: (result: PostgresQueryResult) => void): Promise<void>;
}

/** The first failure among statements sent in order (it explains the ones after it), else `otherwise`. */
async function firstFailure(sent: ReadonlyArray<Promise<unknown>>, otherwise: unknown): Promise<unknown> {
  for (const statement of sent) {
    try {
      await statement;
    } catch (error) {
      return error;
    }
  }
  return otherwise;
}

/** One statement; a driver error becomes the store's typed error for `action`. */
async function run(db: PostgresQueryable, action: string, text: string, values?: readonly unknown[]): Promise<PostgresQueryResult> {
  try {
    return await db.query(text, values);
  } catch (error) {
    throw toStoreError(error, action);
  }
}

// A pool emits 'error' when one of its idle clients loses its connection; with no listener that event would
// crash the process. The pool has already dropped the client and opens a new one on the next query.
const ignoreIdleError = (): void => undefined;

/**
 * Tokens in one PostgreSQL table with the official columns. Reads are single parameterised statements on the
 * pool. A save that updates a row this process has seen is one compare-and-set UPDATE (see `write`); every other
 * write runs in a transaction that first takes a transaction-scoped advisory lock for the table, so such writers
 * in any process on any host run one at a time; the lock ends with the transaction, and a failure rolls
 * everything back. The pool and the table are set up on first use, and again after a failed attempt.
 */
export class PostgresBackend implements TokenBackend {
  readonly refreshLockScope = 'cluster' as const;
  readonly #config: PostgresStoreConfig;
  readonly #sql: PostgresStatements;
  readonly #refreshLock: EngineLock;
  readonly #writes: OptimisticWrites<PostgresRow>;
  #pool: PostgresPool | null = null;
  #ownsPool = false;
  #ready: Promise<PostgresPool> | null = null;
  /** Set once the table is known to exist: the hot path then skips the setup promise. */
  #readyPool: PostgresPool | null = null;
  #closed = false;

  constructor(config: PostgresStoreConfig) {
    this.#config = config;
    this.#sql = postgresStatements(config.schema, config.table, advisoryKey('write', config.schema, config.table));
    // The open pool even while closing: close() releases the leases before it ends the pool.
    const engine = new PostgresLockEngine(this.#sql, config.table, () =>
      this.#readyPool ? Promise.resolve(this.#readyPool) : this.ready(),
    );
    this.#refreshLock = new EngineLock(engine, { scope: 'cluster', queueLocally: true, poll: { firstMs: 5, maxMs: 100 } });
    this.#writes = new OptimisticWrites<PostgresRow>(
      {
        read: async (field, value) => this.#readOn(this.#readyPool ?? (await this.ready()), this.#sql.find[field], value, false),
        compareAndSet: async (previous, next) => {
          const values = rowValues(next);
          const pool = this.#readyPool ?? (await this.ready());
          let result: PostgresQueryResult;
          try {
            result = await run(pool, 'save a token', this.#sql.compareAndSet, [...values, ...previous.raw.slice(1)]);
          } catch (error) {
            throw withUnknownOutcome(error, 'save a token'); // one statement in its own transaction: sent, maybe committed
          }
          return result.rowCount === 1 ? { applied: { record: next, raw: values } } : 'stale';
        },
        lockedWrite: (work) => this.#lockedWrite(work),
      },
      { cacheKeys: VERSION_CACHE_KEYS, fields: UNIQUE_FIELDS, serialise: false },
    );
  }

  /** Opens the pool (if the store owns one) and creates the schema and table if missing. */
  async open(): Promise<void> {
    await this.ready();
  }

  /** The pool, once open (opened now if it is not). */
  ready(): Promise<PostgresPool> {
    if (this.#closed) {
      return Promise.reject(new TokenStoreError(ErrorCode.STORE_CLOSED, 'The PostgreSQL store is closed; open a new one to use it again.'));
    }
    if (this.#readyPool) return Promise.resolve(this.#readyPool);
    this.#ready ??= this.#setUp().then(
      (pool) => (this.#readyPool = pool),
      (error: unknown) => {
        this.#ready = null; // the next call tries again, e.g. once the server is back
        throw toStoreError(error, 'open its table');
      },
    );
    return this.#ready;
  }

  findBy(field: LookupField, value: string): Promise<TokenRecord | null> {
    const pool = this.#readyPool;
    const found = pool
      ? this.#readOn(pool, this.#sql.find[field], value)
      : this.ready().then((ready) => this.#readOn(ready, this.#sql.find[field], value));
    return found.then((row) => row?.record ?? null);
  }

  async list(): Promise<readonly TokenRecord[]> {
    const pool = await this.ready();
    try {
      return (await pool.query(this.#sql.list)).rows.map(toRecord);
    } catch (error) {
      throw toStoreError(error, 'list tokens');
    }
  }

  // Deletes take the write lock too, so a save that has just read a row never updates a row deleted under it.
  async deleteById(id: string): Promise<void> {
    this.#writes.forgetId(id);
    await this.#transaction('delete a token', ({ send }) => send('delete a token', this.#sql.deleteById, [id]));
  }

  async deleteAll(): Promise<void> {
    this.#writes.forgetAll();
    await this.#transaction('delete all tokens', ({ send }) => send('delete all tokens', this.#sql.deleteAll));
  }

  /**
   * The kernel's save loop (OptimisticWrites): a save of a row this process has seen is one compare-and-set UPDATE,
   * which applies only while every column still holds the version read; every other save runs under the table's
   * write lock (`#lockedWrite`).
   */
  write<T>(work: (writer: TokenWriter) => Promise<T>): Promise<T> {
    return this.#writes.write(work);
  }

  /**
   * A save under the table's write lock, where the rows it reads are locked (FOR UPDATE) until COMMIT: a
   * compare-and-set save of another process then waits, finds the row changed, and falls back in turn.
   */
  async #lockedWrite<T>(work: (writer: TokenWriter) => Promise<T>): Promise<LockedWrite<T, PostgresRow>> {
    const written: PostgresRow[] = [];
    const value = await this.#transaction('save a token', ({ client, send }) =>
      work({
        findBy: async (field, found) => (await this.#readOn(client, this.#sql.findForUpdate[field], found, false))?.record ?? null,
        // Inside the write lock, so no other writer can take the same id before this one commits.
        nextId: async () => String((await run(client, 'choose a new id', this.#sql.nextId)).rows[0]?.next),
        insert: (record) => {
          const raw = rowValues(record);
          written.push({ record, raw });
          return send('insert a token', this.#sql.insert, raw);
        },
        update: (record) => {
          const raw = rowValues(record);
          written.push({ record, raw });
          return send('update a token', this.#sql.update, raw, (result) => {
            if (result.rowCount !== 1) {
              throw new TokenStoreError(ErrorCode.TOKEN_STORE, `Token ${record.id} was not found to update; nothing was written.`);
            }
          });
        },
      }),
    );
    return { value, written };
  }

  acquireRefreshLock(key: string, options: RefreshLockOptions): Promise<RefreshLease | null> {
    return this.#refreshLock.acquireRefreshLock(key, options);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#refreshLock.close();
    const pool = this.#pool;
    if (!pool) return;
    if (this.#ownsPool) {
      await pool.end();
    } else {
      pool.removeListener('error', ignoreIdleError);
    }
  }

  /** One row by a lookup statement; remembered (by default) as the version the next save starts from. */
  async #readOn(db: PostgresQueryable, statement: string, value: string, remember = true): Promise<PostgresRow | null> {
    let result: Awaited<ReturnType<typeof db.query>>;
    try {
      result = await db.query(statement, [value]);
    } catch (error) {
      throw toStoreError(error, 'find a token');
    }
    const row = result.rows[0];
    if (!row) return null;
    const stored = toStoredRow(row);
    return remember ? this.#writes.remember(stored) : stored;
  }

  /**
   * Runs `work` in a transaction holding the table's write lock: BEGIN and lock, work, COMMIT; ROLLBACK on any
   * failure. A client whose rollback failed is destroyed rather than returned to the pool in a transaction.
   * Errors of these statements become typed store errors; an error of `work` passes through as it is.
   *
   * On a pipelining client (`pg` ≥ 8.23 with `pipeline: true`, which the store's own pool sets), statements
   * whose results nothing waits for are sent without waiting: BEGIN travels with the first read, the write with
   * COMMIT, so a save costs two round trips instead of four. Their failures are checked, in order, before the
   * write resolves; a failed statement aborts the transaction, so COMMIT then rolls it back.
   */
  async #transaction<T>(action: string, work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.#transactionOn(await this.ready(), action, work);
  }

  async #transactionOn<T>(pool: PostgresPool, action: string, work: (tx: Transaction) => Promise<T>): Promise<T> {
    let client: PostgresPoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw toStoreError(error, action);
    }
    let broken: Error | undefined;
    const onError = (error: Error): void => {
      broken = error;
    };
    client.on('error', onError);
    const pipelined = (client as { pipeline?: unknown }).pipeline === true;
    const inFlight: Array<Promise<unknown>> = [];
    const send: Transaction['send'] = (what, text, values, check) => {
      const sent = run(client, what, text, values).then(check);
      if (!pipelined) return sent.then(() => undefined);
      sent.catch(() => undefined); // awaited below, in order
      inFlight.push(sent);
      return Promise.resolve();
    };
    let commitSent = false;
    try {
      await send(action, this.#sql.beginLocked);
      const result = await work({ client, send });
      commitSent = true;
      await send(action, this.#sql.commit);
      for (const sent of inFlight) await sent;
      return result;
    } catch (error) {
      const cause = await firstFailure(inFlight, error);
      try {
        await client.query(this.#sql.rollback);
      } catch (rollbackError) {
        broken ??= rollbackError instanceof Error ? rollbackError : new Error('rollback failed');
      }
      // Lost before COMMIT was sent: the server rolls the transaction back. After: it may have committed.
      throw commitSent ? withUnknownOutcome(cause, action) : cause;
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  }

  async #setUp(): Promise<PostgresPool> {
    const pool = this.#pool ?? this.#openPool(await this.#createPoolIfOwned());
    await this.#ensureTable(pool);
    return pool;
  }

  async #createPoolIfOwned(): Promise<PostgresPool> {
    if (this.#config.pool) return this.#config.pool;
    this.#ownsPool = true;
    return createPgPool(this.#config.poolConfig);
  }

  #openPool(pool: PostgresPool): PostgresPool {
    if (this.#closed) {
      if (this.#ownsPool) void pool.end();
      throw new TokenStoreError(ErrorCode.STORE_CLOSED, 'The PostgreSQL store is closed; open a new one to use it again.');
    }
    pool.on('error', ignoreIdleError);
    this.#pool = pool;
    return pool;
  }

  /**
   * Creates the refresh-lock table beside an existing token table when it is missing. A user allowed to use the
   * token table but not to create tables still opens the store: its refresh lock then says which table to create.
   */
  async #ensureLockTable(pool: PostgresPool): Promise<void> {
    if ((await pool.query(this.#sql.lockTableExists, [this.#config.schema])).rows[0]?.present === true) return;
    try {
      await this.#transactionOn(pool, 'create its lock table', async ({ client }) => void (await client.query(this.#sql.createLockTable)));
    } catch (error) {
      // 42501: no CREATE privilege on the schema (raw from the work, typed from BEGIN or COMMIT).
      const code = (error as { code?: unknown } | null)?.code;
      if (code !== '42501' && code !== ErrorCode.STORE_ACCESS_DENIED) throw error;
    }
  }

  /**
   * Creates the schema and the table with its indexes when the table is missing, inside the write lock so that
   * processes starting together do not race on CREATE. Existence is checked first because CREATE ... IF NOT
   * EXISTS still needs the CREATE privilege, which a user with rights on the table alone does not have. An
   * existing table is used as it is, once its official columns are confirmed.
   */
  async #ensureTable(pool: PostgresPool): Promise<void> {
    const { schema, table } = this.#config;
    const present = async (db: PostgresQueryable): Promise<boolean> =>
      (await db.query(this.#sql.tableExists, [schema, table])).rows[0]?.present === true;
    if (!(await present(pool))) {
      if (!this.#config.createTable) {
        throw new TokenStoreError(
          ErrorCode.INVALID_CONFIG,
          `PostgresStore: the table ${schema}.${table} does not exist; create it or pass createTable: true.`,
        );
      }
      await this.#transactionOn(pool, 'create its table', async ({ client }) => {
        if (await present(client)) return;
        if ((await client.query(this.#sql.schemaExists, [schema])).rowCount === 0) await client.query(this.#sql.createSchema);
        for (const statement of this.#sql.createTable) await client.query(statement);
        await client.query(this.#sql.createLockTable);
      });
      return;
    }
    if (this.#config.createTable) await this.#ensureLockTable(pool);
    const columns = new Set((await pool.query(this.#sql.columnsOf, [schema, table])).rows.map((row) => row.column_name));
    const missing = OFFICIAL_COLUMNS.filter((column) => !columns.has(column));
    if (missing.length > 0) {
      throw new TokenStoreError(
        ErrorCode.STORE_CORRUPT,
        `The table ${schema}.${table} exists but lacks the official column(s) ${missing.join(', ')}; use another table name or add them.`,
      );
    }
  }
}
