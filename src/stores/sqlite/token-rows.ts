import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import { OFFICIAL_COLUMNS, officialRowToRecord, recordToOfficialRow } from '../../token/official-columns.js';
import type { TokenRecord } from '../../token/token-fields.js';

/** A row as the driver returns it: the ten official columns by name. */
export type SQLiteRow = Record<string, unknown>;

/**
 * Reads a row into a record. The article's columns are varchar, so SQLite keeps text there; a number a foreign
 * writer put in a column of another type reads as its decimal text, and a BLOB cannot be a token.
 */
export function rowToRecord(row: SQLiteRow): TokenRecord {
  for (const column of OFFICIAL_COLUMNS) {
    const value = row[column];
    if (value === null || value === undefined || typeof value === 'string') continue;
    if (typeof value === 'number' || typeof value === 'bigint') row[column] = String(value);
    else {
      throw new TokenStoreError(
        ErrorCode.STORE_CORRUPT,
        `Token ${String(row.id)} has binary data in column ${column}, which cannot be a token field; delete that token.`,
      );
    }
  }
  return officialRowToRecord(row as Parameters<typeof officialRowToRecord>[0]);
}

/** A record as the positional parameters of the insert: the ten official columns, in order. */
export function recordToParams(record: TokenRecord): Array<string | null> {
  const row = recordToOfficialRow(record);
  return OFFICIAL_COLUMNS.map((column) => row[column]);
}
