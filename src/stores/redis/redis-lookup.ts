import type { Redis } from 'ioredis';
import { OFFICIAL_COLUMNS, type OfficialColumn } from '../../token/official-columns.js';
import { INDEXES, type IndexedField, type RedisKeys } from './redis-keys.js';
import { ROW_FIELDS, rowFromHash, rowFromRaw, type RawRow, type RedisRow } from './redis-record.js';
import { FIND, FIRST_OF_INDEX } from './redis-scripts.js';

// Where each indexed field's value sits in a row read by SORT_RO (official column order).
const COLUMN_AT = Object.fromEntries(
  Object.entries(INDEXES).map(([field, { column }]) => [field, OFFICIAL_COLUMNS.indexOf(column as OfficialColumn)]),
) as Record<IndexedField, number>;
// Index key names kept per field, so a value looked up again (the same user on every API call) is not hashed again.
const INDEX_KEYS_KEPT = 10_000;
// Replies that mean "this server or user cannot run SORT_RO" (Redis < 7, an ACL without @dangerous, or a cluster,
// where SORT's GET is refused).
const UNSUPPORTED = /^(ERR unknown command|NOPERM|ERR GET option of SORT denied)/;

/**
 * Lookups of one token in one round trip. By id: HMGET of the official columns. By an indexed value: SORT_RO of
 * the value's index with BY nosort (sorted-set order: lowest id first) LIMIT 0 1 and GET of the first id's
 * hash fields, a native command that costs the server a fraction of a script (no Lua tables to build, no
 * conversion of replies in and out of Lua). The stored value is compared here, so a digest collision never
 * returns another token; when the first id does not hold the value the FIND script answers instead (it walks the
 * index in the same order). Where SORT_RO cannot run (Redis < 7, an ACL without it, a cluster refusing its GET) the
 * FIRST_OF_INDEX script reads the same fields of the index's first member.
 */
export class RedisLookup {
  readonly #keys: RedisKeys;
  readonly #columns: readonly string[];
  readonly #sortArgs: readonly string[] | null;
  #sortSupported = true;
  // The id each user name was last found at. One row per user name, so a row found there that still holds the name
  // is the answer: a lookup by user name (every API call's) is then one HMGET instead of a SORT_RO.
  readonly #userIds = new Map<string, string>();
  readonly #indexKeys: Record<IndexedField, Map<string, string>> = {
    userName: new Map(),
    accessToken: new Map(),
    grantToken: new Map(),
    refreshToken: new Map(),
  };

  constructor(keys: RedisKeys) {
    this.#keys = keys;
    // The version last: a save that starts from this read compares it (redis-version.ts).
    this.#columns = ROW_FIELDS;
    // SORT splits a pattern at its first "->": a prefix holding one cannot be used in a pattern.
    this.#sortArgs = keys.prefix.includes('->')
      ? null
      : ['BY', 'nosort', 'LIMIT', '0', '1', ...this.#columns.flatMap((column) => ['GET', `${keys.recordPrefix}*->${column}`])];
  }

  async byId(client: Redis, id: string): Promise<RedisRow | null> {
    return rowFromRaw((await client.hmget(this.#keys.record(id), ...this.#columns)) as RawRow);
  }

  /** Several tokens by id, in one round trip (a pipeline of HMGET); null for an id not stored. */
  async byIds(client: Redis, ids: readonly string[]): Promise<Array<RedisRow | null>> {
    const pipeline = client.pipeline();
    for (const id of ids) pipeline.hmget(this.#keys.record(id), ...this.#columns);
    // Per-command errors are thrown here, inside the connection's run(), so they are typed like any other.
    return ((await pipeline.exec()) ?? []).map(([error, reply]) => {
      if (error) throw error;
      return rowFromRaw(reply as RawRow);
    });
  }

  byValue(client: Redis, field: IndexedField, value: string): Promise<RedisRow | null> {
    if (field !== 'userName') return this.#byIndex(client, field, value);
    const id = this.#userIds.get(value);
    if (id === undefined) return this.#byIndex(client, field, value).then((row) => this.#rememberUser(value, row));
    return this.byId(client, id).then((row) =>
      row !== null && row.record.userName === value
        ? row
        : // Deleted or renamed since: ask the index.
          this.#byIndex(client, field, value).then((found) => this.#rememberUser(value, found)),
    );
  }

  #rememberUser(name: string, row: RedisRow | null): RedisRow | null {
    const ids = this.#userIds;
    if (row === null) ids.delete(name);
    else {
      if (ids.size >= INDEX_KEYS_KEPT) ids.clear();
      ids.set(name, row.record.id);
    }
    return row;
  }

  #byIndex(client: Redis, field: IndexedField, value: string): Promise<RedisRow | null> {
    const key = this.#indexKey(field, value);
    const firstRow = (reply: unknown): Promise<RedisRow | null> | RedisRow | null => {
      if (!Array.isArray(reply) || reply.length === 0) return null;
      if (reply[COLUMN_AT[field]] === value) return rowFromRaw(reply as RawRow);
      return this.#byScript(client, key, field, value); // a digest collision: the script walks on
    };
    if (this.#sortArgs === null || !this.#sortSupported) {
      return FIRST_OF_INDEX.run(client, [key], [this.#keys.prefix, ...this.#columns]).then(firstRow);
    }
    // A promise chain rather than async/await: this is every findToken's path.
    return client.call('SORT_RO', key, ...this.#sortArgs).then(firstRow, (error: unknown) => {
      if (!(error instanceof Error && UNSUPPORTED.test(error.message))) throw error;
      this.#sortSupported = false; // decided once per store: the script answers from now on
      return this.#byScript(client, key, field, value);
    });
  }

  async #byScript(client: Redis, key: string, field: IndexedField, value: string): Promise<RedisRow | null> {
    return rowFromHash(await FIND.run(client, [key], [this.#keys.prefix, INDEXES[field].column, value]));
  }

  #indexKey(field: IndexedField, value: string): string {
    const kept = this.#indexKeys[field];
    let key = kept.get(value);
    if (key === undefined) {
      if (kept.size >= INDEX_KEYS_KEPT) kept.clear();
      key = this.#keys.index(field, value);
      kept.set(value, key);
    }
    return key;
  }
}
