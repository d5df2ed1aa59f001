import type { LookupField } from '../../contract/matching-rule.js';
import type { TokenWriter } from '../../contract/token-backend.js';
import { ErrorCode } from '../../errors/codes.js';
import { TokenArgumentError, TokenStoreError } from '../../errors/token-store-error.js';
import { FIELD_OF_COLUMN, OFFICIAL_COLUMNS, recordToOfficialRow, officialRowToRecord } from '../../token/official-columns.js';
import type { TokenRecord } from '../../token/token-fields.js';
import { headerOf, rowsOf, type MySqlQueryable, type SqlValue } from './mysql-driver.js';
import { bindsOf, type MySqlTable } from './mysql-table.js';

const MAX_ID = 9_999_999_999; // ids are decimal strings that fit the official varchar(10)

/** One row read by `MySqlTable.lookup`, as a record. */
export async function findRecord(db: MySqlQueryable, table: MySqlTable, field: LookupField, value: string): Promise<TokenRecord | null> {
  const lookup = table.lookup(field);
  const [row] = rowsOf(await db.execute(lookup.sql, bindsOf(lookup, value)));
  return row === undefined ? null : officialRowToRecord(row as Parameters<typeof officialRowToRecord>[0]);
}

/** Thrown inside a write when the row it updates was deleted meanwhile by a writer that does not take the lock. */
export class RowVanished extends Error {
  override readonly name = 'RowVanished';
}

/** Rejects a value longer than its column, naming the field and the column, before anything is sent. */
function checkLengths(record: TokenRecord, table: MySqlTable): SqlValue[] {
  const row = recordToOfficialRow(record);
  return OFFICIAL_COLUMNS.map((column) => {
    const value = row[column];
    const max = table.columns[column].maxLength;
    // A UTF-16 length within the limit is within it in code points too; count code points only for long values.
    if (value !== null && max !== null && value.length > max && [...value].length > max) {
      throw new TokenArgumentError(
        ErrorCode.INVALID_ARGUMENT,
        `Token field "${FIELD_OF_COLUMN[column]}" is longer than the ${max} characters the column ${column} of ${table.label} holds; nothing was saved.`,
      );
    }
    return value;
  });
}

/**
 * The writer handed to one serialised write, on the connection that holds the table's write lock. Inserts and
 * updates are kept until the work resolves: a single one is then sent on its own (one statement is atomic), several
 * go in one transaction. If the work rejects, nothing was sent, so nothing has to be undone. A read after a kept
 * write first sends it inside a transaction, so the read sees it and a later failure still rolls it back.
 */
export class WriteSession {
  readonly #db: MySqlQueryable;
  readonly #table: MySqlTable;
  #pending: Array<{ sql: string; values: SqlValue[]; update: boolean }> = [];
  #inTransaction = false;

  readonly writer: TokenWriter = {
    findBy: async (field, value) => {
      await this.#flush();
      return findRecord(this.#db, this.#table, field, value);
    },
    nextId: async () => {
      await this.#flush();
      const [row] = rowsOf(await this.#db.execute(this.#table.maxDecimalId));
      const max = row?.max_id === null || row?.max_id === undefined ? 0 : Number(row.max_id);
      if (max >= MAX_ID) {
        throw new TokenStoreError(ErrorCode.TOKEN_STORE, `MySQLStore: ${this.#table.label} has used every 10-digit id; no new token can be added.`);
      }
      return String(max + 1);
    },
    insert: (record) => {
      this.#pending.push({ sql: this.#table.insert, values: checkLengths(record, this.#table), update: false });
    },
    update: (record) => {
      const [id, ...rest] = checkLengths(record, this.#table);
      const ids = this.#table.columns.id.exact ? [id ?? null] : [id ?? null, id ?? null];
      this.#pending.push({ sql: this.#table.update, values: [...rest, ...ids], update: true });
    },
  };

  constructor(db: MySqlQueryable, table: MySqlTable) {
    this.#db = db;
    this.#table = table;
  }

  /** Sends what the work wrote, atomically. */
  async commit(): Promise<void> {
    if (!this.#inTransaction && this.#pending.length <= 1) {
      await this.#sendPending();
      return;
    }
    await this.#flush();
    await this.#db.query('COMMIT');
    this.#inTransaction = false;
  }

  /** Drops what was not sent and rolls back what was. */
  async rollback(): Promise<void> {
    this.#pending = [];
    if (!this.#inTransaction) return;
    this.#inTransaction = false;
    await this.#db.query('ROLLBACK');
  }

  async #flush(): Promise<void> {
    if (this.#pending.length === 0) return;
    if (!this.#inTransaction) {
      await this.#db.query('START TRANSACTION');
      this.#inTransaction = true;
    }
    await this.#sendPending();
  }

  async #sendPending(): Promise<void> {
    while (this.#pending.length > 0) {
      const statement = this.#pending.shift() as { sql: string; values: SqlValue[]; update: boolean };
      const header = headerOf(await this.#db.execute(statement.sql, statement.values));
      // With mysql2's default FOUND_ROWS flag, 0 means no row had the id: another writer deleted it meanwhile.
      if (statement.update && header.affectedRows === 0) {
        const id = String(statement.values[statement.values.length - 1]);
        if ((await findRecord(this.#db, this.#table, 'id', id)) === null) throw new RowVanished(`row ${id} was deleted during the save`);
      }
    }
  }
}
