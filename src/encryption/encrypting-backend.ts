import type { LookupField } from '../contract/matching-rule.js';
import {
  isPromise,
  type MaybePromise,
  type ReencryptResult,
  type TokenBackend,
  type TokenReader,
  type TokenWriter,
} from '../contract/token-backend.js';
import type { RefreshLease, RefreshLockOptions, RefreshLockScope } from '../contract/refresh-lock.js';
import type { TokenRecord } from '../token/token-fields.js';
import { encryptionConfig, type EncryptionConfig, type EncryptionOptions } from './encryption-options.js';
import { FieldCipher, isLookupSecretField, type LookupSecretField } from './field-cipher.js';
import { KeyRing } from './key-ring.js';
import { RecordCipher } from './record-cipher.js';

/** `then` that stays synchronous for a synchronous value (memory and SQLite lookups cost no promise). */
function chain<T, R>(value: MaybePromise<T>, next: (value: T) => MaybePromise<R>): MaybePromise<R> {
  return isPromise(value) ? value.then(next) : next(value);
}

/** The record cipher of validated `encryption` options. */
export function recordCipherOf(config: EncryptionConfig): RecordCipher {
  return new RecordCipher(new FieldCipher(new KeyRing(config), config.cacheSize), config.acceptPlaintext, config.cacheSize > 0);
}

/**
 * Finds a record by a field through `reader`, in clear. A lookup by access, refresh or grant token asks for the
 * value's form under the current key, and only on a miss for its form under each older key (then in clear, when
 * accepted): each is one indexed equality lookup. `seen` remembers the stored forms read, by id.
 */
function findOpened(
  reader: TokenReader,
  cipher: RecordCipher,
  field: LookupField,
  value: string,
  seen: Map<string, TokenRecord> | null,
): MaybePromise<TokenRecord | null> {
  const opened = (stored: TokenRecord | null): TokenRecord | null => {
    if (stored === null) return null;
    seen?.set(stored.id, stored);
    return cipher.open(stored);
  };
  if (!isLookupSecretField(field)) return chain(reader.findBy(field, value), opened);
  return chain(reader.findBy(field, cipher.currentForm(field, value)), (stored) =>
    stored === null ? findOlder(reader, cipher.olderForms(field, value), field, opened) : opened(stored),
  );
}

/** The first record stored under one of the older `forms` of a value, passed through `opened`. */
async function findOlder(
  reader: TokenReader,
  forms: readonly string[],
  field: LookupSecretField,
  opened: (stored: TokenRecord | null) => TokenRecord | null,
): Promise<TokenRecord | null> {
  for (const form of forms) {
    const stored = await reader.findBy(field, form);
    if (stored !== null) return opened(stored);
  }
  return null;
}

/** The writer a write's work sees: records in clear in, encrypted on their way to the engine. */
class EncryptingWriter implements TokenWriter {
  readonly #inner: TokenWriter;
  readonly #cipher: RecordCipher;
  readonly #seen = new Map<string, TokenRecord>();

  constructor(inner: TokenWriter, cipher: RecordCipher) {
    this.#inner = inner;
    this.#cipher = cipher;
  }

  findBy(field: LookupField, value: string): MaybePromise<TokenRecord | null> {
    return findOpened(this.#inner, this.#cipher, field, value, this.#seen);
  }

  nextId(): MaybePromise<string> {
    return this.#inner.nextId();
  }

  insert(record: TokenRecord): MaybePromise<void> {
    return this.#inner.insert(this.#cipher.seal(record));
  }

  update(record: TokenRecord): MaybePromise<void> {
    return this.#inner.update(this.#cipher.seal(record, this.#seen.get(record.id) ?? null));
  }
}

/**
 * Encryption at rest for any backend: the access, refresh and grant tokens and the client secret of every record
 * are encrypted on their way in and decrypted on their way out, so the engine only ever holds envelopes (see
 * docs/encryption.md). A value that cannot be decrypted fails with KEY_INVALID before anything is written.
 */
export class EncryptingBackend implements TokenBackend {
  readonly encrypted = true;
  readonly #inner: TokenBackend;
  readonly #cipher: RecordCipher;

  /**
   * Throws INVALID_CONFIG or KEY_INVALID for a bad key ring (see `EncryptionOptions`). Stores pass the cipher
   * `storeEncryption` already made from their options.
   */
  constructor(inner: TokenBackend, options: EncryptionOptions | RecordCipher, owner = 'EncryptingBackend') {
    this.#inner = inner;
    this.#cipher = options instanceof RecordCipher ? options : recordCipherOf(encryptionConfig(options, owner));
  }

  get refreshLockScope(): RefreshLockScope {
    return this.#inner.refreshLockScope;
  }

  acquireRefreshLock(key: string, options: RefreshLockOptions): Promise<RefreshLease | null> {
    return this.#inner.acquireRefreshLock(key, options);
  }

  findBy(field: LookupField, value: string): MaybePromise<TokenRecord | null> {
    return findOpened(this.#inner, this.#cipher, field, value, null);
  }

  list(): MaybePromise<readonly TokenRecord[]> {
    return chain(this.#inner.list(), (records) => records.map((record) => this.#cipher.open(record)));
  }

  deleteById(id: string): MaybePromise<void> {
    return this.#inner.deleteById(id);
  }

  deleteAll(): MaybePromise<void> {
    return this.#inner.deleteAll();
  }

  write<T>(work: (writer: TokenWriter) => Promise<T>): Promise<T> {
    return this.#inner.write((writer) => work(new EncryptingWriter(writer, this.#cipher)));
  }

  /**
   * Rewrites every record not entirely under the current key, one record per serialised write, so it can be
   * interrupted and run again (a second run rewrites nothing). Every record is decrypted first: when one cannot
   * be (KEY_INVALID), nothing is rewritten.
   */
  async reencrypt(): Promise<ReencryptResult> {
    const cipher = this.#cipher;
    const stale = (await this.#inner.list()).filter((stored) => {
      cipher.open(stored);
      return !cipher.isCurrent(stored);
    });
    let rewritten = 0;
    for (const { id } of stale) {
      const moved = await this.#inner.write(async (writer) => {
        const stored = await writer.findBy('id', id);
        if (stored === null || cipher.isCurrent(stored)) return false;
        await writer.update(cipher.seal(cipher.open(stored)));
        return true;
      });
      if (moved) rewritten += 1;
    }
    return { rewritten };
  }

  open(): Promise<void> {
    return this.#inner.open?.() ?? Promise.resolve();
  }

  close(): Promise<void> {
    return this.#inner.close?.() ?? Promise.resolve();
  }
}

/**
 * Validates a store's `encryption` option and derives its keys, once, or gives null when it is not given. Stores
 * call it before they open anything, so a bad key ring (INVALID_CONFIG, KEY_INVALID) leaves nothing open.
 */
export function storeEncryptionConfig(encryption: EncryptionOptions | undefined, owner: string): RecordCipher | null {
  return encryption === undefined ? null : recordCipherOf(encryptionConfig(encryption, owner));
}

/** The backend a store uses: `backend` itself without encryption, else `backend` behind an EncryptingBackend. */
export function encryptedBackend(backend: TokenBackend, cipher: RecordCipher | null): TokenBackend {
  return cipher === null ? backend : new EncryptingBackend(backend, cipher);
}
