import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import { OFFICIAL_COLUMNS, officialRowToRecord, recordToOfficialRow, type OfficialColumn } from '../../token/official-columns.js';
import type { TokenRecord } from '../../token/token-fields.js';
import { VERSION_FIELD } from './redis-version.js';

/** A token's hash fields, official column names, as `[column, value, column, value, …]` (absent values left out; no id). */
export function recordToFields(record: TokenRecord): string[] {
  const row = recordToOfficialRow(record);
  const fields: string[] = [];
  for (const column of OFFICIAL_COLUMNS) {
    const value = row[column];
    if (column !== 'id' && value !== null) fields.push(column, value);
  }
  return fields;
}

function corrupt(): TokenStoreError {
  return new TokenStoreError(
    ErrorCode.STORE_CORRUPT,
    'A token hash under the Redis store\'s key prefix has no "id" field: another program wrote it. Use a key prefix of its own for the store.',
  );
}

/** A token from HGETALL's reply (an object from ioredis's HGETALL, a flat array from a script); null when empty. */
export function recordFromHash(reply: unknown): TokenRecord | null {
  let row: Partial<Record<OfficialColumn, string>>;
  if (Array.isArray(reply)) {
    if (reply.length === 0) return null;
    row = {};
    for (let i = 0; i + 1 < reply.length; i += 2) row[reply[i] as OfficialColumn] = String(reply[i + 1]);
  } else if (reply !== null && typeof reply === 'object') {
    row = reply as Partial<Record<OfficialColumn, string>>;
    if (row.id === undefined && Object.keys(row).length === 0) return null;
  } else {
    return null;
  }
  if (!row.id) throw corrupt();
  return officialRowToRecord(row);
}

/** A token hash as read, one value per official column in `OFFICIAL_COLUMNS` order (null: no such field). */
export type RawRow = ReadonlyArray<string | null>;

/**
 * A row as read: the record, its stored values (the index entries a save moves are those of these values), and
 * its version (`VERSION_FIELD`), which a compare-and-set save requires still to be there; null for a hash written
 * before versions existed, which only the locked path writes.
 */
export interface RedisRow {
  readonly record: TokenRecord;
  readonly raw: RawRow;
  readonly version: string | null;
}

/** The hash fields a row is read from, in `rowFromRaw`'s order: the official columns, then the version. */
export const ROW_FIELDS: readonly string[] = [...OFFICIAL_COLUMNS, VERSION_FIELD];

/**
 * A row from positional values (HMGET, SORT … GET): the official columns in order, then the version; null when
 * the hash has no field at all.
 */
export function rowFromRaw(reply: ReadonlyArray<string | null>): RedisRow | null {
  const row: Partial<Record<OfficialColumn, string>> = {};
  let empty = true;
  for (let i = 0; i < OFFICIAL_COLUMNS.length; i += 1) {
    const value = reply[i];
    if (value !== null && value !== undefined) {
      row[OFFICIAL_COLUMNS[i] as OfficialColumn] = value;
      empty = false;
    }
  }
  if (empty) return null;
  if (!row.id) throw corrupt();
  const raw = reply.length === OFFICIAL_COLUMNS.length ? reply : reply.slice(0, OFFICIAL_COLUMNS.length);
  return { record: officialRowToRecord(row), raw, version: reply[OFFICIAL_COLUMNS.length] ?? null };
}

// Where each field of a hash goes in a positional row: the official columns in order, then the version.
const POSITION = new Map<string, number>(ROW_FIELDS.map((field, i) => [field, i]));

/** A row from an HGETALL-shaped reply (a script's flat array), put in `rowFromRaw`'s order; null when empty. */
export function rowFromHash(reply: unknown): RedisRow | null {
  if (!Array.isArray(reply)) return null;
  const positional: Array<string | null> = new Array<string | null>(POSITION.size).fill(null);
  for (let i = 0; i + 1 < reply.length; i += 2) {
    const at = POSITION.get(String(reply[i]));
    if (at !== undefined) positional[at] = String(reply[i + 1]);
  }
  return rowFromRaw(positional);
}

/** The values of each official column of a record written by this store. */
export function rawOfRecord(record: TokenRecord): RawRow {
  const row = recordToOfficialRow(record);
  return OFFICIAL_COLUMNS.map((column) => row[column]);
}
