import type { LookupField } from '../../contract/matching-rule.js';
import type { TokenBackend, TokenWriter } from '../../contract/token-backend.js';
import { InProcessLock } from '../../kernel/lock/in-process-lock.js';
import type { RefreshLease, RefreshLockOptions } from '../../contract/refresh-lock.js';
import { SerialQueue } from '../../kernel/lock/serial-queue.js';
import type { TokenRecord } from '../../token/token-fields.js';

type IndexedField = Exclude<LookupField, 'id' | 'userName'>;
const INDEXED_FIELDS: readonly IndexedField[] = ['accessToken', 'grantToken', 'refreshToken'];

/**
 * Records in a Map by id, with a hash index on every field the matching rule looks up, so each lookup is O(1)
 * whatever the number of tokens. Writes are serialised and roll back if the write's work fails.
 */
export class MemoryBackend implements TokenBackend {
  readonly refreshLockScope = 'process' as const;
  readonly #byId = new Map<string, TokenRecord>();
  // value → the records holding it, oldest first (only user names are unique, so a value may have several).
  readonly #indexes = new Map<IndexedField, Map<string, TokenRecord[]>>(INDEXED_FIELDS.map((field) => [field, new Map()]));
  // User names are unique (BackendTokenStore guarantees it), so the hottest lookup gets a direct map.
  readonly #byUserName = new Map<string, TokenRecord>();
  readonly #writes = new SerialQueue();
  readonly #lock = new InProcessLock();
  #lastId = 0;

  findBy(field: LookupField, value: string): TokenRecord | null {
    if (field === 'id') return this.#byId.get(value) ?? null;
    if (field === 'userName') return this.#byUserName.get(value) ?? null;
    return this.#indexes.get(field)?.get(value)?.[0] ?? null;
  }

  list(): readonly TokenRecord[] {
    return [...this.#byId.values()];
  }

  deleteById(id: string): void {
    const record = this.#byId.get(id);
    if (record) this.#remove(record);
  }

  deleteAll(): void {
    this.#byId.clear();
    this.#byUserName.clear();
    for (const index of this.#indexes.values()) index.clear();
  }

  write<T>(work: (writer: TokenWriter) => Promise<T>): Promise<T> {
    return this.#writes.run(async () => {
      const undo: Array<() => void> = [];
      const writer: TokenWriter = {
        findBy: (field, value) => this.findBy(field, value),
        nextId: () => this.#nextId(),
        insert: (record) => {
          this.#add(record);
          undo.push(() => this.#remove(record));
        },
        update: (record) => {
          const previous = this.#byId.get(record.id);
          if (previous) this.#remove(previous);
          this.#add(record);
          undo.push(() => {
            this.#remove(record);
            if (previous) this.#add(previous);
          });
        },
      };
      try {
        return await work(writer);
      } catch (error) {
        for (const step of undo.reverse()) step();
        throw error;
      }
    });
  }

  acquireRefreshLock(key: string, options: RefreshLockOptions): Promise<RefreshLease | null> {
    return this.#lock.acquireRefreshLock(key, options);
  }

  #nextId(): string {
    do this.#lastId += 1;
    while (this.#byId.has(String(this.#lastId)));
    return String(this.#lastId);
  }

  #add(record: TokenRecord): void {
    this.#byId.set(record.id, record);
    if (record.userName !== null) this.#byUserName.set(record.userName, record);
    for (const [field, index] of this.#indexes) {
      const value = record[field];
      if (value === null) continue;
      const holders = index.get(value);
      if (holders) holders.push(record);
      else index.set(value, [record]);
    }
  }

  #remove(record: TokenRecord): void {
    this.#byId.delete(record.id);
    if (record.userName !== null && this.#byUserName.get(record.userName)?.id === record.id) {
      this.#byUserName.delete(record.userName);
    }
    for (const [field, index] of this.#indexes) {
      const value = record[field];
      if (value === null) continue;
      const holders = index.get(value);
      if (!holders) continue;
      const at = holders.findIndex((holder) => holder.id === record.id);
      if (at >= 0) holders.splice(at, 1);
      if (holders.length === 0) index.delete(value);
    }
  }
}
