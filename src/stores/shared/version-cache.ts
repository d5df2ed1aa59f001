import type { LookupField } from '../../contract/matching-rule.js';
import type { TokenRecord } from '../../token/token-fields.js';

/** A row as one engine read it: the record, and whatever the engine compares a compare-and-set against. */
export interface VersionedRow {
  readonly record: TokenRecord;
}

const EVERY_FIELD: readonly LookupField[] = ['id', 'userName', 'accessToken', 'refreshToken', 'grantToken'];

/**
 * The last version of each row this process read or wrote, by every lookup key. A save starts from it instead of
 * a read, and its update only applies if the row still holds exactly that version (compare-and-set), so a stale
 * entry costs a retry, never a lost update. Bounded: the oldest entries go first. Never used to answer findToken,
 * which always reads the server (other processes refresh tokens too).
 */
export class VersionCache<StoredRow extends VersionedRow = VersionedRow> {
  readonly #entries = new Map<string, StoredRow>();
  readonly #limit: number;
  readonly #fields: readonly LookupField[];

  /**
   * `limit`: most keys kept. `fields`: the lookup keys rows are kept by (each costs a map entry per read; a store
   * that only starts saves from the unique keys, id and user name, keeps only those).
   */
  constructor(limit: number, fields: readonly LookupField[] = EVERY_FIELD) {
    this.#limit = limit;
    this.#fields = fields;
  }

  get(field: LookupField, value: string): StoredRow | undefined {
    return this.#entries.get(`${field}\0${value}`);
  }

  remember(row: StoredRow): void {
    if (this.#limit === 0) return;
    for (const field of this.#fields) {
      const value = row.record[field];
      if (value === null) continue;
      const key = `${field}\0${value}`;
      this.#entries.delete(key); // re-inserted last: the newest
      this.#entries.set(key, row);
    }
    for (const key of this.#entries.keys()) {
      if (this.#entries.size <= this.#limit) break;
      this.#entries.delete(key);
    }
  }

  forget(row: StoredRow): void {
    for (const field of this.#fields) {
      const value = row.record[field];
      if (value === null) continue;
      const key = `${field}\0${value}`;
      if (this.#entries.get(key)?.record.id === row.record.id) this.#entries.delete(key);
    }
  }

  forgetId(id: string): void {
    const row = this.get('id', id);
    if (row) this.forget(row);
  }

  clear(): void {
    this.#entries.clear();
  }
}
