import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import { OFFICIAL_COLUMNS, officialRowToRecord, recordToOfficialRow, type OfficialColumn } from '../../token/official-columns.js';
import type { TokenRecord } from '../../token/token-fields.js';

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
