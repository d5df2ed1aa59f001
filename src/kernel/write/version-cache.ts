import { LOOKUP_FIELDS, type LookupField } from '../../contract/matching-rule.js';
import type { TokenRecord } from '../../token/token-fields.js';

/** A row as one engine read it: the record, and whatever the engine compares a compare-and-set against. */
export interface VersionedRow {
  readonly record: TokenRecord;
}

/**
 * The last version of each row this process read or wrote, by every lookup key. A save starts from it instead of
 * a read, and its update only applies if the row still holds exactly that version (compare-and-set), so a stale
 * entry costs a retry, never a lost update. Bounded: the oldest entries go first. Never used to answer findToken,
 * which always reads the server (other processes refresh tokens too).
 */
export class VersionCache<StoredRow extends VersionedRow = VersionedRow> {
  // One map per field (no composite key string to build and hash per call), in insertion order: oldest first.
  readonly #byField = new Map<LookupField, Map<string, StoredRow>>();
  readonly #limitPerField: number;

  /**
   * `limit`: most keys kept, shared evenly by the fields. `fields`: the lookup keys rows are kept by (each costs a
   * map entry per read; a store that only starts saves from the unique keys, id and user name, keeps only those).
   */
  constructor(limit: number, fields: readonly LookupField[] = LOOKUP_FIELDS) {
    this.#limitPerField = Math.floor(limit / fields.length);
    for (const field of fields) this.#byField.set(field, new Map());
  }

  get(field: LookupField, value: string): StoredRow | undefined {
    return this.#byField.get(field)?.get(value);
  }

  remember(row: StoredRow): void {
    if (this.#limitPerField === 0) return;
    for (const [field, entries] of this.#byField) {
      const value = row.record[field];
      if (value === null) continue;
      entries.delete(value); // re-inserted last: the newest
      entries.set(value, row);
      if (entries.size > this.#limitPerField) {
        for (const key of entries.keys()) {
          if (entries.size <= this.#limitPerField) break;
          entries.delete(key);
        }
      }
    }
  }

  forget(row: StoredRow): void {
    for (const [field, entries] of this.#byField) {
      const value = row.record[field];
      if (value !== null && entries.get(value)?.record.id === row.record.id) entries.delete(value);
    }
  }

  forgetId(id: string): void {
    const row = this.get('id', id);
    if (row) this.forget(row);
  }

  clear(): void {
    for (const entries of this.#byField.values()) entries.clear();
  }
}
