import type { LookupField } from '../../contract/matching-rule.js';
import type { TokenRecord } from '../../token/token-fields.js';

const DECIMAL_ID = /^\d{1,15}$/;

/** The largest decimal id among `records` (0 when none), so that new ids are `max + 1` as the official SDKs make them. */
export function maxDecimalId(records: readonly TokenRecord[]): number {
  let max = 0;
  for (const record of records) if (DECIMAL_ID.test(record.id) && Number(record.id) > max) max = Number(record.id);
  return max;
}

/**
 * The tokens of one version of the file, immutable, with a hash index per field the matching rule looks up: a
 * lookup costs a Map get whatever the number of tokens. An index is built on the first lookup by its field, so a
 * version that is only written over (a run of saves) pays for the one index its saves use. Where a value is held
 * by several rows (token values need not be unique), the first row in the file wins, as in the official readers.
 */
export class TokenSnapshot {
  readonly records: readonly TokenRecord[];
  readonly header: readonly string[];
  /** The largest decimal id. */
  readonly maxId: number;
  readonly #indexes = new Map<LookupField, Map<string, TokenRecord>>();

  constructor(records: readonly TokenRecord[], header: readonly string[], maxId = maxDecimalId(records)) {
    this.records = records;
    this.header = header;
    this.maxId = maxId;
  }

  findBy(field: LookupField, value: string): TokenRecord | null {
    return (this.#indexes.get(field) ?? this.#index(field)).get(value) ?? null;
  }

  /** Every row holding `value` in `field`, in file order (a scan: only for the rare duplicate case in a write). */
  allWith(field: LookupField, value: string): TokenRecord[] {
    return this.records.filter((record) => record[field] === value);
  }

  #index(field: LookupField): Map<string, TokenRecord> {
    const index = new Map<string, TokenRecord>();
    for (const record of this.records) {
      const value = record[field];
      if (value !== null && !index.has(value)) index.set(value, record);
    }
    this.#indexes.set(field, index);
    return index;
  }
}
