import { createHash } from 'node:crypto';
import type { LookupField } from '../../contract/matching-rule.js';
import type { DynamoItem } from './dynamodb-driver.js';

/** The table's key attributes: a partition key and a sort key, both strings. */
export const PK = 'pk';
export const SK = 'sk';
/** The sort key of every item that is alone in its partition (tokens, user names, the counter, locks). */
export const SINGLE = '#';

export type IndexedField = Exclude<LookupField, 'id'>;
/** The token fields whose values several tokens may share: their index items are per value and per id. */
export type SharedField = Exclude<IndexedField, 'userName'>;
export const SHARED_FIELDS: readonly SharedField[] = ['accessToken', 'grantToken', 'refreshToken'];
export const INDEXED_FIELDS: readonly IndexedField[] = ['userName', ...SHARED_FIELDS];

/** The official column each indexed field is stored in, and the tag of its index items' partition keys. */
export const INDEXES: Readonly<Record<IndexedField, { readonly column: string; readonly tag: string; readonly nonce: string }>> =
  Object.freeze({
    userName: { column: 'user_name', tag: 'u', nonce: 'wu' },
    accessToken: { column: 'access_token', tag: 'a', nonce: 'wa' },
    grantToken: { column: 'grant_token', tag: 'g', nonce: 'wg' },
    refreshToken: { column: 'refresh_token', tag: 'r', nonce: 'wr' },
  });

/** The meta item (the table's format), the id counter and the write lock. */
export const META_KEY: DynamoItem = Object.freeze({ [PK]: { S: 'meta' }, [SK]: { S: SINGLE } });
export const COUNTER_KEY: DynamoItem = Object.freeze({ [PK]: { S: 'seq' }, [SK]: { S: SINGLE } });
export const WRITE_LOCK_KEY: DynamoItem = Object.freeze({ [PK]: { S: 'lock#write' }, [SK]: { S: SINGLE } });

const key = (pk: string, sk: string = SINGLE): DynamoItem => ({ [PK]: { S: pk }, [SK]: { S: sk } });

/**
 * The key layout of one table (details and costs in docs/dynamodb-store.md):
 * - `t#<id>`                   one item per token: the official columns, its version `v`, and the nonce of each
 *                              index item it owns (`wu`, `wa`, `wg`, `wr`);
 * - `u#<digest>`               one item per user name: the id holding it (user names are unique);
 * - `a#<digest>` / `<id>`      one item per access token value and id holding it (values may be shared), and
 *   `g#…`, `r#…`               the same for grant and refresh tokens;
 * - `seq`, `meta`, `lock#write`, `lock#refresh#<key>`: the id counter, the table's format, the locks.
 * Values are hashed (SHA-256, base64url), never written into keys: a key shows in consoles, exports, metrics and
 * CloudTrail data events. A digest only names an item; a lookup compares the stored value, so a collision can
 * never return another token.
 */
export function tokenKey(id: string): DynamoItem {
  return key(`t#${id}`);
}

export function refreshLockPk(lockKey: string): string {
  return `lock#refresh#${lockKey}`;
}

/** The partition key of a value's index items (`u#…`, `a#…`). */
export function indexPk(field: IndexedField, value: string): string {
  return `${INDEXES[field].tag}#${createHash('sha256').update(value, 'utf8').digest('base64url')}`;
}

/** The key of one index item: the user name's single item, or a shared value's item for one id. */
export function indexKey(field: IndexedField, value: string, id: string): DynamoItem {
  return field === 'userName' ? key(indexPk(field, value)) : key(indexPk(field, value), id);
}

export const singleKey = (pk: string): DynamoItem => key(pk);
