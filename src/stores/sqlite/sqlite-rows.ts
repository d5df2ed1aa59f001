import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import { OFFICIAL_COLUMNS, officialRowToRecord, recordToOfficialRow } from '../../token/official-columns.js';
import type { TokenRecord } from '../../token/token-fields.js';

/** A row as the driver returns it in raw mode: the ten official columns, in the official order. */
export type SQLiteRow = readonly unknown[];

/**
 * The text of one column. The article's columns are varchar, so SQLite keeps text there; a number a foreign
 * writer put in a column of another type reads as its decimal text, and a BLOB cannot be a token.
 */
function text(row: SQLiteRow, at: number): string | null {
  const value = row[at];
  if (value === null || value === undefined || typeof value === 'string') return (value ?? null) as string | null;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  throw new TokenStoreError(
    ErrorCode.STORE_CORRUPT,
    `Token ${String(row[0])} has binary data in column ${OFFICIAL_COLUMNS[at]}, which cannot be a token field; delete that token.`,
  );
}

/** Reads a row (raw mode, official column order) into a record, with the official format's reading rules. */
export function rowToRecord(row: SQLiteRow): TokenRecord {
  return officialRowToRecord({
    id: text(row, 0),
    user_name: text(row, 1),
    client_id: text(row, 2),
    client_secret: text(row, 3),
    refresh_token: text(row, 4),
    access_token: text(row, 5),
    grant_token: text(row, 6),
    expiry_time: text(row, 7),
    redirect_url: text(row, 8),
    api_domain: text(row, 9),
  });
}

/** A record as the positional parameters of the insert: the ten official columns, in order. */
export function recordToParams(record: TokenRecord): Array<string | null> {
  const row = recordToOfficialRow(record);
  return OFFICIAL_COLUMNS.map((column) => row[column]);
}
