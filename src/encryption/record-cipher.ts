import { ErrorCode } from '../errors/codes.js';
import { TokenArgumentError } from '../errors/token-store-error.js';
import { SECRET_FIELDS, type SecretField, type TokenRecord } from '../token/token-fields.js';
import { ENVELOPE_PREFIX, MAX_ENCRYPTED_SECRET_BYTES, isEnvelope } from './envelope.js';
import type { FieldCipher, LookupSecretField } from './field-cipher.js';

/**
 * Whole records between their clear form and their stored form: the access, refresh and grant tokens and the
 * client secret encrypted; every other field (id, user name, client id, expiry, redirect URL, API domain) as is.
 */
export class RecordCipher {
  readonly #fields: FieldCipher;
  readonly #acceptPlaintext: boolean;
  readonly #currentPrefix: string;
  // Stored records are never mutated, so the clear form of one record object never changes: engines that hand
  // out the same object again (memory, list, file snapshots) then cost one WeakMap read. Null with the cache off.
  readonly #openedRecords: WeakMap<TokenRecord, TokenRecord> | null;

  constructor(fields: FieldCipher, acceptPlaintext: boolean, cacheRecords: boolean) {
    this.#fields = fields;
    this.#acceptPlaintext = acceptPlaintext;
    this.#currentPrefix = `${ENVELOPE_PREFIX}${fields.ring.current.id}.`;
    this.#openedRecords = cacheRecords ? new WeakMap() : null;
  }

  /** The stored form of a lookup value under the current key: what a lookup asks the engine for first. */
  currentForm(field: LookupSecretField, value: string): string {
    return this.#fields.sealLookup(field, value);
  }

  /** The other stored forms a lookup value may have: under each older key, then in clear when that is accepted. */
  olderForms(field: LookupSecretField, value: string): string[] {
    const forms = this.#fields.ring.older.map((key) => this.#fields.sealLookup(field, value, key));
    if (this.#acceptPlaintext) forms.push(value);
    return forms;
  }

  /**
   * The stored form of a record. `previous` is the stored form it replaces, if any: its client secret envelope is
   * kept when it already holds the same secret under the current key, so an unchanged secret is not rewritten.
   */
  seal(record: TokenRecord, previous: TokenRecord | null = null): TokenRecord {
    refuseUnsealable(record);
    const fields = this.#fields;
    return {
      ...record,
      clientSecret: this.#sealSecret(record, previous),
      refreshToken: record.refreshToken === null ? null : fields.sealLookup('refreshToken', record.refreshToken),
      accessToken: record.accessToken === null ? null : fields.sealLookup('accessToken', record.accessToken),
      grantToken: record.grantToken === null ? null : fields.sealLookup('grantToken', record.grantToken),
    };
  }

  /**
   * The form of a query for a custom store's `findToken`: every secret deterministic under the current key (the
   * client secret too: a query is never stored, and this keeps repeated lookups free of cryptography).
   */
  sealQuery(record: TokenRecord): TokenRecord {
    const fields = this.#fields;
    const seal = (field: SecretField, value: string | null) => (value === null ? null : fields.sealLookup(field, value));
    return {
      ...record,
      clientSecret: seal('clientSecret', record.clientSecret),
      refreshToken: seal('refreshToken', record.refreshToken),
      accessToken: seal('accessToken', record.accessToken),
      grantToken: seal('grantToken', record.grantToken),
    };
  }

  /** True when a lookup may have to try more than the current key's form. */
  get hasOlderForms(): boolean {
    return this.#acceptPlaintext || this.#fields.ring.older.length > 0;
  }

  /** The clear form of a stored record (KEY_INVALID when a value cannot be decrypted). */
  open(stored: TokenRecord): TokenRecord {
    const known = this.#openedRecords?.get(stored);
    if (known !== undefined) return known;
    const fields = this.#fields;
    const id = stored.id;
    const opened = {
      ...stored,
      clientSecret: stored.clientSecret === null ? null : fields.open('clientSecret', stored.clientSecret, id),
      refreshToken: stored.refreshToken === null ? null : fields.open('refreshToken', stored.refreshToken, id),
      accessToken: stored.accessToken === null ? null : fields.open('accessToken', stored.accessToken, id),
      grantToken: stored.grantToken === null ? null : fields.open('grantToken', stored.grantToken, id),
    };
    this.#openedRecords?.set(stored, opened);
    return opened;
  }

  /** True when every secret of a stored record is absent or encrypted under the current key. */
  isCurrent(stored: TokenRecord): boolean {
    const prefix = this.#currentPrefix;
    const current = (value: string | null) => value === null || value.startsWith(prefix);
    return current(stored.clientSecret) && current(stored.refreshToken) && current(stored.accessToken) && current(stored.grantToken);
  }

  #sealSecret(record: TokenRecord, previous: TokenRecord | null): string | null {
    const secret = record.clientSecret;
    if (secret === null) return null;
    const kept = previous?.clientSecret ?? null;
    if (isEnvelope(kept) && kept.startsWith(this.#currentPrefix) && this.#fields.open('clientSecret', kept, record.id) === secret)
      return kept;
    return this.#fields.sealRandom('clientSecret', secret);
  }
}

/** Refuses a record with a secret too long for its envelope to fit a 255-character column, before anything is written. */
function refuseUnsealable(record: TokenRecord): void {
  for (const field of SECRET_FIELDS) {
    const value = record[field];
    // A UTF-16 unit is at most 3 UTF-8 bytes: short values need no byte count.
    if (value === null || value.length * 3 <= MAX_ENCRYPTED_SECRET_BYTES) continue;
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes > MAX_ENCRYPTED_SECRET_BYTES) {
      throw new TokenArgumentError(
        ErrorCode.INVALID_ARGUMENT,
        `Token field "${field}" holds ${bytes} UTF-8 bytes; with encryption a secret holds at most ${MAX_ENCRYPTED_SECRET_BYTES}, ` +
          'so that its encrypted form fits every store. Nothing was saved.',
      );
    }
  }
}
