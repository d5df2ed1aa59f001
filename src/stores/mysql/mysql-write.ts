import type { TokenWriter } from '../../contract/token-backend.js';
import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import type { TokenRecord } from '../../token/token-fields.js';
import { headerOf, rowsOf, type MySqlQueryable } from './mysql-driver.js';
import { rawOf, readRow, sameRaw, updateBinds, type StoredRow } from './mysql-rows.js';
import { isDeadlock } from './mysql-errors.js';
import type { MySqlTable } from './mysql-table.js';
import { planOptimisticSave } from '../../kernel/write/optimistic-save.js';
import type { VersionCache } from '../../kernel/write/version-cache.js';

const MAX_ID = 9_999_999_999; // ids are decimal strings that fit the official varchar(10)

/** Thrown inside a write when a row it updates was changed or deleted since it was read: the work runs again. */
export class RowChanged extends Error {
  override readonly name = 'RowChanged';
}

interface PendingWrite {
  readonly next: StoredRow;
  /** The version the update requires, or null for an insert. */
  readonly previous: StoredRow | null;
}

/** Sends one write. An update applies only if the row still holds `previous` (compare-and-set). */
async function send(db: MySqlQueryable, table: MySqlTable, write: PendingWrite): Promise<void> {
  if (write.previous === null) {
    await db.execute(table.insert, [...write.next.raw]);
    return;
  }
  const header = headerOf(await db.execute(table.update, updateBinds(table, write.next.raw, write.previous.raw)));
  if (header.affectedRows === 1) return;
  // 0 rows: the row changed since it was read, or (on a pool without FOUND_ROWS) it already held these values.
  const now = await readRow(db, table, 'id', write.next.record.id);
  if (now === null || !sameRaw(now.raw, write.next.raw)) throw new RowChanged(`row ${write.next.record.id} changed during the save`);
}

/**
 * The writer of a save that holds the table's write lock, in one transaction: reads lock the rows they find (and
 * the gaps where nothing was found) until commit, so an optimistic save of another process waits for this one
 * instead of changing a row between its read and its update. Updates are compare-and-set against the version
 * read, so a row changed by a writer that takes no lock at all (the official SDK) is never overwritten unseen. If
 * the work rejects, the transaction is rolled back.
 */
export class LockedWriteSession {
  readonly #db: MySqlQueryable;
  readonly #table: MySqlTable;
  readonly #read = new Map<string, StoredRow>();
  readonly #written: PendingWrite[] = [];
  #inTransaction = false;

  readonly writer: TokenWriter = {
    findBy: async (field, value) => {
      await this.#begin();
      const row = await readRow(this.#db, this.#table, field, value, true);
      if (row) this.#read.set(row.record.id, row);
      return row?.record ?? null;
    },
    nextId: async () => {
      await this.#begin();
      const [row] = rowsOf(await this.#db.execute(this.#table.maxDecimalId));
      const max = row?.max_id === null || row?.max_id === undefined ? 0 : Number(row.max_id);
      if (max >= MAX_ID) {
        throw new TokenStoreError(ErrorCode.TOKEN_STORE, `MySQLStore: ${this.#table.label} has used every 10-digit id; no new token can be added.`);
      }
      return String(max + 1);
    },
    insert: async (record) => {
      await this.#write({ next: { record, raw: rawOf(record, this.#table) }, previous: null });
    },
    update: async (record) => {
      const next = { record, raw: rawOf(record, this.#table) };
      await this.#begin();
      const previous = this.#read.get(record.id) ?? (await readRow(this.#db, this.#table, 'id', record.id, true));
      if (previous === null) throw new RowChanged(`row ${record.id} was deleted during the save`);
      await this.#write({ next, previous });
    },
  };

  constructor(db: MySqlQueryable, table: MySqlTable) {
    this.#db = db;
    this.#table = table;
  }

  /** Commits, and resolves to the rows written (for the version cache). */
  async commit(): Promise<readonly PendingWrite[]> {
    if (this.#inTransaction) {
      this.#inTransaction = false;
      await this.#db.query('COMMIT');
    }
    return this.#written;
  }

  async rollback(): Promise<void> {
    this.#written.length = 0;
    if (!this.#inTransaction) return;
    this.#inTransaction = false;
    await this.#db.query('ROLLBACK');
  }

  async #begin(): Promise<void> {
    if (this.#inTransaction) return;
    await this.#db.query('START TRANSACTION');
    this.#inTransaction = true;
  }

  async #write(write: PendingWrite): Promise<void> {
    await this.#begin();
    await send(this.#db, this.#table, write);
    this.#written.push(write);
    this.#read.set(write.next.record.id, write.next);
  }
}

/** What an optimistic attempt ended with: the work's result, or the need to run it again under the lock. */
export type OptimisticOutcome<T> =
  | { readonly done: true; readonly value: T; readonly write: PendingWrite | null }
  | { readonly done: false; readonly stale: boolean };

/**
 * A save without the write lock, for the common case of updating one row that is already stored: the work reads
 * from the version cache (or, with `useCache` false, from the server) and is planned by `planOptimisticSave`; its
 * one update is sent as a compare-and-set. A save that follows a findToken of the same token (what the SDKs do) is
 * one statement. Anything the plan cannot prove, or a row changed since it was read, answers `done: false`, and
 * the save runs again under the lock. Nothing is sent before the work has resolved, so giving up leaves nothing.
 */
export async function tryOptimisticWrite<T>(
  db: MySqlQueryable,
  table: MySqlTable,
  cache: VersionCache<StoredRow>,
  useCache: boolean,
  work: (writer: TokenWriter) => Promise<T>,
): Promise<OptimisticOutcome<T>> {
  const plan = await planOptimisticSave<T, StoredRow>(
    // From the cache, a miss goes straight to the lock: it is most often a new token, which needs the lock anyway.
    (field, value) => (useCache ? (cache.get(field, value) ?? null) : readRow(db, table, field, value)),
    work,
  );
  if (plan.locked) return { done: false, stale: false };
  if (plan.update === null) return { done: true, value: plan.value, write: null };
  const { next: record, previous } = plan.update;
  let raw;
  try {
    raw = rawOf(record, table);
  } catch {
    return { done: false, stale: false }; // a value the columns cannot hold: the locked run reports it
  }
  const pending: PendingWrite = { next: { record, raw }, previous };
  let header;
  try {
    header = headerOf(await db.execute(table.update, updateBinds(table, raw, previous.raw)));
  } catch (error) {
    if (!isDeadlock(error)) throw error;
    header = { affectedRows: 0 }; // chosen as a deadlock victim against a locked save: that save goes first
  }
  if (header.affectedRows !== 1) {
    cache.forget(previous);
    return { done: false, stale: true };
  }
  return { done: true, value: plan.value, write: pending };
}

export type { PendingWrite };
