// The README's "Your own store" example, verbatim: test/kit/readme-example.test.ts checks the README still shows it.
import { test } from 'node:test';
import {
  BackendTokenStore,
  InProcessLock,
  SerialQueue,
  type LookupField,
  type RefreshLockOptions,
  type TokenBackend,
  type TokenRecord,
  type TokenWriter,
} from 'zoho-token-store/kernel';
import { testTokenStore } from 'zoho-token-store/testing';

/** Tokens kept as JSON strings in a key-value service (a Map here; a secrets manager in real life). */
class KeyValueBackend implements TokenBackend {
  readonly refreshLockScope = 'process';
  readonly #values = new Map<string, string>();
  readonly #writes = new SerialQueue();
  readonly #lock = new InProcessLock();
  #lastId = 0;

  findBy(field: LookupField, value: string): TokenRecord | null {
    return this.list().find((record) => record[field] === value) ?? null;
  }

  list(): TokenRecord[] {
    return [...this.#values.values()].map((json) => JSON.parse(json) as TokenRecord);
  }

  deleteById(id: string): void {
    this.#values.delete(id);
  }

  deleteAll(): void {
    this.#values.clear();
  }

  write<T>(work: (writer: TokenWriter) => Promise<T>): Promise<T> {
    const put = (record: TokenRecord) => void this.#values.set(record.id, JSON.stringify(record));
    return this.#writes.run(() =>
      work({
        findBy: (field, value) => this.findBy(field, value),
        nextId: () => {
          do this.#lastId += 1;
          while (this.#values.has(String(this.#lastId)));
          return String(this.#lastId);
        },
        insert: put,
        update: put,
      }),
    );
  }

  acquireRefreshLock(key: string, options: RefreshLockOptions) {
    return this.#lock.acquireRefreshLock(key, options);
  }
}

class KeyValueStore extends BackendTokenStore {
  constructor() {
    super(new KeyValueBackend(), 'key-value store');
  }
}

// One test per rule of the contract, each on a fresh store. This store scans on every lookup: keep the scale check small.
testTokenStore(test, () => new KeyValueStore(), { scale: 1_000 });
