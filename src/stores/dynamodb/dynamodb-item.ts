import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import {
  OFFICIAL_COLUMNS,
  officialRowToRecord,
  recordToOfficialRow,
  type OfficialColumn,
  type OfficialRow,
} from '../../token/official-columns.js';
import type { TokenRecord } from '../../token/token-fields.js';
import type { AttributeValue, DynamoItem } from './dynamodb-driver.js';
import { INDEXED_FIELDS, INDEXES, tokenKey, type IndexedField } from './dynamodb-keys.js';

/** The attribute holding a token item's version: what a compare-and-set save compares instead of every field. */
export const VERSION = 'v';

/**
 * A token as read: the record, its official columns as stored, its version (null for an item written by something
 * else than this store, which only the locked path writes), and the nonce of each index item it owns (the write
 * that put the index item of its current value; an index item is only ever deleted while it still holds that
 * nonce, so a newer put of the same item is never undone).
 */
export interface DynamoRow {
  readonly record: TokenRecord;
  readonly row: OfficialRow;
  readonly version: string | null;
  readonly nonces: Readonly<Record<IndexedField, string | null>>;
}

const text = (value: AttributeValue | undefined): string | null => (value !== undefined && 'S' in value ? value.S : null);

function corrupt(): TokenStoreError {
  return new TokenStoreError(
    ErrorCode.STORE_CORRUPT,
    'A token item in the DynamoDB store\'s table has no "id" attribute: another program wrote it. Give the store a table of its own.',
  );
}

/** A row from a token item (GetItem, Scan), or null for no item. */
export function rowOfItem(item: DynamoItem | undefined): DynamoRow | null {
  if (item === undefined) return null;
  const values: Partial<Record<OfficialColumn, string>> = {};
  for (const column of OFFICIAL_COLUMNS) {
    const value = text(item[column]);
    if (value !== null) values[column] = value;
  }
  if (!values.id) throw corrupt();
  const record = officialRowToRecord(values);
  const nonces = {} as Record<IndexedField, string | null>;
  for (const field of INDEXED_FIELDS) nonces[field] = text(item[INDEXES[field].nonce]);
  return { record, row: recordToOfficialRow(record), version: text(item[VERSION]), nonces };
}

/** The token item of a record written at `version`, with the nonces of its index items. */
export function itemOfRecord(record: TokenRecord, version: string, nonces: Readonly<Record<IndexedField, string | null>>): DynamoItem {
  const item: Record<string, AttributeValue> = { ...tokenKey(record.id) };
  const row = recordToOfficialRow(record);
  for (const column of OFFICIAL_COLUMNS) {
    const value = row[column];
    if (value !== null) item[column] = { S: value };
  }
  item[VERSION] = { S: version };
  for (const field of INDEXED_FIELDS) {
    const nonce = nonces[field];
    if (nonce !== null) item[INDEXES[field].nonce] = { S: nonce };
  }
  return item;
}
