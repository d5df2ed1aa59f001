import type { TokenWriter } from '../../contract/token-backend.js';
import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import type { TokenRecord } from '../../token/token-fields.js';
import { headerOf, rowsOf, type MySqlQueryable } from './mysql-driver.js';
import { rawOf, readRow, sameRaw, updateBinds, type StoredRow } from './mysql-rows.js';
import { isDeadlock } from './mysql-errors.js';
import type { MySqlTable } from './mysql-table.js';
import type { CompareAndSetOutcome } from '../../kernel/write/optimistic-writes.js';

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
        throw new TokenStoreError(
          ErrorCode.TOKEN_STORE,
          `MySQLStore: ${this.#table.label} has used every 10-digit id; no new token can be added.`,
        );
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
  async commit(): Promise<readonly StoredRow[]> {
    if (this.#inTransaction) {
      this.#inTransaction = false;
      await this.#db.query('COMMIT');
    }
    return this.#written.map((write) => write.next);
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

/**
 * The compare-and-set of an update outside the write lock (the kernel's optimistic save): `next` applies only while
 * the row still holds `previous`. A value the columns cannot hold is left to the locked run, which reports it; a
 * deadlock against a locked save counts as a lost race (that save goes first).
 */
export async function compareAndSet(
  db: MySqlQueryable,
  table: MySqlTable,
  previous: StoredRow,
  next: TokenRecord,
): Promise<CompareAndSetOutcome<StoredRow>> {
  let raw: ReturnType<typeof rawOf>;
  try {
    raw = rawOf(next, table);
  } catch {
    return 'locked';
  }
  let header: ReturnType<typeof headerOf>;
  try {
    header = headerOf(await db.execute(table.update, updateBinds(table, raw, previous.raw)));
  } catch (error) {
    if (!isDeadlock(error)) throw error;
    return 'stale';
  }
  return header.affectedRows === 1 ? { applied: { record: next, raw } } : 'stale';
}
