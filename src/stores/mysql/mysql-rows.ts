import type { LookupField } from '../../contract/matching-rule.js';
import { ErrorCode } from '../../errors/codes.js';
import { TokenArgumentError } from '../../errors/token-store-error.js';
import { FIELD_OF_COLUMN, OFFICIAL_COLUMNS, officialRowToRecord, recordToOfficialRow } from '../../token/official-columns.js';
import type { TokenRecord } from '../../token/token-fields.js';
import { rowsOf, type MySqlQueryable, type SqlValue } from './mysql-driver.js';
import { bindsOf, type MySqlTable } from './mysql-table.js';

/**
 * A row as read: the record, and the ten column values exactly as stored (an official row may hold '' or an
 * expiry the record normalises). Updates compare against `raw`, so a row changed since it was read is detected.
 */
export interface StoredRow {
  readonly record: TokenRecord;
  readonly raw: readonly SqlValue[];
}

/** One row by a lookup field, or null; `forUpdate` (inside a transaction) locks it until commit. */
export async function readRow(
  db: MySqlQueryable,
  table: MySqlTable,
  field: LookupField,
  value: string,
  forUpdate = false,
): Promise<StoredRow | null> {
  const lookup = table.lookup(field, forUpdate);
  const [row] = rowsOf(await db.execute(lookup.sql, bindsOf(lookup, value)));
  if (row === undefined) return null;
  const raw = OFFICIAL_COLUMNS.map((column) => (row[column] ?? null) as SqlValue);
  return { record: officialRowToRecord(row as Parameters<typeof officialRowToRecord>[0]), raw };
}

/**
 * The column values to write for a record. A value longer than its column is refused here, naming the field and
 * the column, before anything is sent.
 */
export function rawOf(record: TokenRecord, table: MySqlTable): SqlValue[] {
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

/** The binds of `table.update`: the new values, the id, and the values the row must still hold. */
export function updateBinds(table: MySqlTable, next: readonly SqlValue[], previous: readonly SqlValue[]): SqlValue[] {
  const [id = null, ...values] = next;
  const ids = table.columns.id.exact ? [id] : [id, id];
  return [...values, ...ids, ...previous.slice(1)];
}

export const sameRaw = (a: readonly SqlValue[], b: readonly SqlValue[]): boolean => a.every((value, i) => value === b[i]);
