import { hash } from 'node:crypto';
import type { LookupField } from '../../contract/matching-rule.js';

export type IndexedField = Exclude<LookupField, 'id'>;

/** The hash field (official column) each looked-up field is stored in, and the tag of its index keys. */
export const INDEXES: Readonly<Record<IndexedField, { readonly column: string; readonly tag: string }>> = Object.freeze({
  userName: { column: 'user_name', tag: 'user' },
  accessToken: { column: 'access_token', tag: 'access' },
  grantToken: { column: 'grant_token', tag: 'grant' },
  refreshToken: { column: 'refresh_token', tag: 'refresh' },
});

/**
 * The key layout under one prefix `P`:
 * - `P id:<id>`            a hash per token, fields named as the official columns (absent values are absent fields),
 *                          and `v`, its version (redis-version.ts);
 * - `P ids`                the set of every stored id (getTokens, deleteTokens: no KEYS scan);
 * - `P <tag>:<sha1(value)>` a sorted set of the ids holding that value (tags: user, access, grant, refresh), lowest
 *                          decimal id first, so a lookup is one script call: first member, then its hash;
 * - `P seq`                the counter new ids come from (INCR);
 * - `P lock:write`         the write lock; `P lock:refresh:<key>` the refresh locks.
 * Values are hashed, never written into key names: a token in a key would show in SCAN, keyspace events and
 * memory tools, and any byte (colon, glob character, newline) is then safe. SHA-1, the digest earlier versions'
 * scripts computed with `redis.sha1hex`, so stores they wrote keep their key names (the scripts now receive every
 * key they write: redis-declared-keys.ts); a lookup compares the stored value too, so a digest collision can never
 * return another token. Ids follow a fixed tag, so any id is unambiguous.
 */
export class RedisKeys {
  readonly prefix: string;
  readonly recordPrefix: string;
  readonly ids: string;
  readonly seq: string;
  readonly writeLock: string;
  readonly #refreshLockPrefix: string;

  constructor(prefix: string) {
    this.prefix = prefix;
    this.recordPrefix = `${prefix}id:`;
    this.ids = `${prefix}ids`;
    this.seq = `${prefix}seq`;
    this.writeLock = `${prefix}lock:write`;
    this.#refreshLockPrefix = `${prefix}lock:refresh:`;
  }

  record(id: string): string {
    return this.recordPrefix + id;
  }

  index(field: IndexedField, value: string): string {
    // crypto.hash: a third of createHash's time on a short value (a compare-and-set computes two per save).
    return `${this.prefix}${INDEXES[field].tag}:${hash('sha1', value, 'hex')}`;
  }

  refreshLock(key: string): string {
    return this.#refreshLockPrefix + key;
  }
}
