import type { LookupField } from '../../contract/matching-rule.js';
import type { TokenRecord } from '../../token/token-fields.js';

type IndexedField = Exclude<LookupField, 'id'>;
const INDEXED_FIELDS: readonly IndexedField[] = ['userName', 'accessToken', 'grantToken', 'refreshToken'];

/**
 * The tokens of one version of the file, immutable, with a hash index on every field the matching rule looks up:
 * a lookup costs a Map get whatever the number of tokens. Where a value is held by several rows (token values need
 * not be unique; the official SDKs do not prevent duplicate user names either), the first row in the file wins,
 * as in the official readers.
 */
export class TokenSnapshot {
  readonly records: readonly TokenRecord[];
  readonly header: readonly string[];
  /** The largest decimal id, so that new ids are `max + 1` as the official SDKs make them. */
  readonly maxId: number;
  readonly #byId = new Map<string, TokenRecord>();
  readonly #indexes = new Map<IndexedField, Map<string, TokenRecord>>(INDEXED_FIELDS.map((field) => [field, new Map()]));

  constructor(records: readonly TokenRecord[], header: readonly string[]) {
    this.records = records;
    this.header = header;
    let maxId = 0;
    for (const record of records) {
      this.#byId.set(record.id, record);
      for (const [field, index] of this.#indexes) {
        const value = record[field];
        if (value !== null && !index.has(value)) index.set(value, record);
      }
      if (/^\d{1,15}$/.test(record.id)) maxId = Math.max(maxId, Number(record.id));
    }
    this.maxId = maxId;
  }

  findBy(field: LookupField, value: string): TokenRecord | null {
    if (field === 'id') return this.#byId.get(value) ?? null;
    return this.#indexes.get(field)?.get(value) ?? null;
  }

  /** Every row holding `value` in `field`, in file order (a scan: only for the rare duplicate case in a write). */
  allWith(field: LookupField, value: string): TokenRecord[] {
    return this.records.filter((record) => record[field] === value);
  }
}
