import { readFile, rename, writeFile } from 'node:fs/promises';
import { ErrorCode, TokenStoreError, type EncryptionOptions } from 'zoho-token-store';
import {
  BackendTokenStore,
  InProcessLock,
  SerialQueue,
  storeParts,
  type LookupField,
  type RefreshLease,
  type RefreshLockOptions,
  type StoreSpec,
  type TokenBackend,
  type TokenRecord,
  type TokenWriter,
} from 'zoho-token-store/kernel';

export interface JsonFileStoreOptions {
  /** The JSON file the tokens live in; created by the first save. */
  readonly path: string;
  readonly encryption?: EncryptionOptions;
}

interface JsonFileConfig {
  readonly path: string;
}

// 1. What the kernel needs to build the store from its options: a name for messages, every option it takes, and
//    the engine's own checks. Unknown options, the encryption key ring and the order of checks are the kernel's.
const JSON_FILE_STORE: StoreSpec<JsonFileStoreOptions, JsonFileConfig> = {
  name: 'JsonFileStore',
  label: 'JSON file store',
  options: ['path', 'encryption'],
  resolve(options) {
    if (typeof options.path !== 'string' || options.path === '') {
      throw new TokenStoreError(ErrorCode.INVALID_CONFIG, 'JsonFileStore needs "path": the JSON file to keep the tokens in.');
    }
    return { path: options.path };
  },
};

// 2. The engine: find by one field, list, delete, and a serialised write that keeps all or nothing. It knows nothing
//    of the matching rule, the merge, ids on save, copies or validation: BackendTokenStore applies those.
class JsonFileBackend implements TokenBackend {
  // One process: a lock kept in memory covers it. A store shared by processes takes a lock its storage enforces.
  readonly refreshLockScope = 'process';
  readonly #path: string;
  readonly #writes = new SerialQueue();
  readonly #lock = new InProcessLock();
  #records = new Map<string, TokenRecord>();

  constructor(config: JsonFileConfig) {
    this.#path = config.path;
  }

  /** The first contact, run by `open`: read the file if there is one. */
  async open(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.#path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error; // BackendTokenStore reports it as TOKEN_STORE, with this error as its cause
    }
    let records: TokenRecord[];
    try {
      records = JSON.parse(text) as TokenRecord[];
    } catch (error) {
      throw new TokenStoreError(ErrorCode.STORE_CORRUPT, `${this.#path} is not a JSON token file; restore it, or move it away.`, {
        cause: error,
      });
    }
    this.#records = new Map(records.map((record) => [record.id, record]));
  }

  findBy(field: LookupField, value: string): TokenRecord | null {
    for (const record of this.#records.values()) if (record[field] === value) return record;
    return null;
  }

  list(): TokenRecord[] {
    return [...this.#records.values()];
  }

  deleteById(id: string): Promise<void> {
    return this.#change((records) => void records.delete(id));
  }

  deleteAll(): Promise<void> {
    return this.#change((records) => records.clear());
  }

  /** One write at a time; the work changes a copy, which replaces the file only when the work succeeds. */
  write<T>(work: (writer: TokenWriter) => Promise<T>): Promise<T> {
    return this.#writes.run(async () => {
      const draft = new Map(this.#records);
      const value = await work({
        findBy: (field, value) => [...draft.values()].find((record) => record[field] === value) ?? null,
        nextId: () => String(Math.max(0, ...[...draft.keys()].map(Number).filter(Number.isSafeInteger)) + 1),
        insert: (record) => void draft.set(record.id, record),
        update: (record) => void draft.set(record.id, record),
      });
      await this.#save(draft);
      return value;
    });
  }

  acquireRefreshLock(key: string, options: RefreshLockOptions): Promise<RefreshLease | null> {
    return this.#lock.acquireRefreshLock(key, options);
  }

  #change(change: (records: Map<string, TokenRecord>) => void): Promise<void> {
    return this.#writes.run(async () => {
      const draft = new Map(this.#records);
      change(draft);
      await this.#save(draft);
    });
  }

  /** Replaces the whole file at once (a temporary file renamed over it): a crash leaves the old file or the new. */
  async #save(records: Map<string, TokenRecord>): Promise<void> {
    const temporary = `${this.#path}.tmp`;
    await writeFile(temporary, JSON.stringify([...records.values()]), { mode: 0o600 });
    await rename(temporary, this.#path);
    this.#records = records;
  }
}

// 3. The store: the kernel builds it (options checked, backend made, encryption wrapped around it when asked), and
//    `opened()` runs the backend's first contact, closing the store again if it fails.
export class JsonFileStore extends BackendTokenStore {
  private constructor(options: JsonFileStoreOptions) {
    const { backend, label } = storeParts(JSON_FILE_STORE, options, (config) => new JsonFileBackend(config));
    super(backend, label);
  }

  static async open(options: JsonFileStoreOptions): Promise<JsonFileStore> {
    return new JsonFileStore(options).opened();
  }
}
