import type { LookupField } from '../../contract/matching-rule.js';
import type { TokenBackend, TokenWriter } from '../../contract/token-backend.js';
import { InProcessLock } from '../../kernel/lock/in-process-lock.js';
import type { RefreshLease, RefreshLockOptions } from '../../contract/refresh-lock.js';
import { SerialQueue } from '../../kernel/lock/serial-queue.js';
import { COLUMN_OF_FIELD, OFFICIAL_COLUMNS, officialRowToRecord, recordToOfficialRow } from '../../token/official-columns.js';
import type { TokenRecord } from '../../token/token-fields.js';

/** One token as a list of its ten official columns, in the official order. */
export type TokenRow = Array<string | null>;

const columnIndex = (field: LookupField): number => OFFICIAL_COLUMNS.indexOf(COLUMN_OF_FIELD[field]);

const toRow = (record: TokenRecord): TokenRow => {
  const row = recordToOfficialRow(record);
  return OFFICIAL_COLUMNS.map((column) => row[column]);
};

const toRecord = (row: TokenRow): TokenRecord =>
  officialRowToRecord(Object.fromEntries(OFFICIAL_COLUMNS.map((column, i) => [column, row[i] ?? null])));

/**
 * The article's list-of-lists store, kept deliberately plain: a scan per lookup, new ids `max(id) + 1` as the
 * official stores make them. Unlike the article's sample, ids are never repeated and writes are serialised.
 */
export class ListBackend implements TokenBackend {
  readonly refreshLockScope = 'process' as const;
  readonly #rows: TokenRow[] = [];
  readonly #writes = new SerialQueue();
  readonly #lock = new InProcessLock();

  findBy(field: LookupField, value: string): TokenRecord | null {
    const column = columnIndex(field);
    const row = this.#rows.find((candidate) => candidate[column] === value);
    return row ? toRecord(row) : null;
  }

  list(): readonly TokenRecord[] {
    return this.#rows.map(toRecord);
  }

  deleteById(id: string): void {
    const at = this.#rows.findIndex((row) => row[0] === id);
    if (at >= 0) this.#rows.splice(at, 1);
  }

  deleteAll(): void {
    this.#rows.length = 0;
  }

  write<T>(work: (writer: TokenWriter) => Promise<T>): Promise<T> {
    return this.#writes.run(async () => {
      const before = this.#rows.slice();
      const writer: TokenWriter = {
        findBy: (field, value) => this.findBy(field, value),
        nextId: () => this.#nextId(),
        insert: (record) => {
          this.#rows.push(toRow(record));
        },
        update: (record) => {
          const at = this.#rows.findIndex((row) => row[0] === record.id);
          if (at >= 0) this.#rows[at] = toRow(record);
        },
      };
      try {
        return await work(writer);
      } catch (error) {
        this.#rows.length = 0;
        for (const row of before) this.#rows.push(row);
        throw error;
      }
    });
  }

  acquireRefreshLock(key: string, options: RefreshLockOptions): Promise<RefreshLease | null> {
    return this.#lock.acquireRefreshLock(key, options);
  }

  #nextId(): string {
    let max = 0;
    for (const row of this.#rows) {
      const id = Number(row[0]);
      if (Number.isSafeInteger(id) && id > max) max = id;
    }
    return String(max + 1);
  }
}
