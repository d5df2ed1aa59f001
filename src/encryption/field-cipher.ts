import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { ErrorCode } from '../errors/codes.js';
import { TokenStoreError } from '../errors/token-store-error.js';
import { SECRET_FIELDS, type SecretField } from '../token/token-fields.js';
import { BoundedCache } from './bounded-cache.js';
import { ENVELOPE_PREFIX, NONCE_BYTES, TAG_BYTES, envelopeOf, isEnvelope, keyIdOf, sealedBytesOf } from './envelope.js';
import type { DerivedKey, KeyRing } from './key-ring.js';

/** The secret fields a token is looked up by: their stored form is deterministic per key. */
export type LookupSecretField = Exclude<SecretField, 'clientSecret'>;

export const isLookupSecretField = (field: string): field is LookupSecretField =>
  field === 'accessToken' || field === 'refreshToken' || field === 'grantToken';

type PerField<T> = Record<SecretField, T>;
const perField = <T>(make: () => T): PerField<T> => Object.fromEntries(SECRET_FIELDS.map((field) => [field, make()])) as PerField<T>;

/**
 * Encrypts and decrypts one field's value with AES-256-GCM. The associated data binds each envelope to its format,
 * key id and field, so a value moved to another field or relabelled with another key id fails to decrypt.
 *
 * Lookup fields get a synthetic nonce, HMAC-SHA256(mac key, field ‖ 0 ‖ value) cut to 12 bytes: equal values under
 * one key give equal envelopes (so a lookup is one equality query) and different values never share a nonce. The
 * client secret, never looked up, gets a random nonce. Results are cached per field (see `cacheSize`).
 */
export class FieldCipher {
  readonly ring: KeyRing;
  readonly #opened: PerField<BoundedCache<string, string>>;
  readonly #sealed = new Map<string, PerField<BoundedCache<string, string>>>();
  readonly #associated = new Map<string, Buffer>();
  readonly #cacheSize: number;

  constructor(ring: KeyRing, cacheSize: number) {
    this.ring = ring;
    this.#cacheSize = cacheSize;
    this.#opened = perField(() => new BoundedCache<string, string>(cacheSize));
  }

  /**
   * The deterministic envelope of a value under `key` (default: the current key). For lookup fields; and for a
   * client secret only in a query passed to a custom store, never for one that is stored.
   */
  sealLookup(field: SecretField, value: string, key: DerivedKey = this.ring.current): string {
    let cache = this.#sealed.get(key.id);
    if (cache === undefined) {
      cache = perField(() => new BoundedCache<string, string>(this.#cacheSize));
      this.#sealed.set(key.id, cache);
    }
    const known = cache[field].get(value);
    if (known !== undefined) return known;
    const nonce = createHmac('sha256', key.mac).update(field).update('\0').update(value, 'utf8').digest().subarray(0, NONCE_BYTES);
    const envelope = this.#seal(key, field, value, nonce);
    cache[field].set(value, envelope);
    return envelope;
  }

  /** A fresh envelope of `value` under the current key, with a random nonce (for the client secret). */
  sealRandom(field: SecretField, value: string): string {
    return this.#seal(this.ring.current, field, value, randomBytes(NONCE_BYTES));
  }

  /**
   * The value in clear of a stored value: an envelope is decrypted (KEY_INVALID when its key is not in the ring or
   * it does not authenticate); anything else was stored in clear and is returned as it is.
   */
  open(field: SecretField, stored: string, tokenId: string): string {
    if (!isEnvelope(stored)) return stored;
    const cache = this.#opened[field];
    const known = cache.get(stored);
    if (known !== undefined) return known;
    const keyId = keyIdOf(stored);
    const key = keyId === null ? undefined : this.ring.get(keyId);
    if (keyId === null || key === undefined) {
      throw new TokenStoreError(
        ErrorCode.KEY_INVALID,
        `The ${field} of token ${tokenId} is encrypted with key "${String(keyId).slice(0, 16)}", which is not in the key ring; ` +
          'add that key to "keys" to read it. Nothing was changed.',
      );
    }
    const sealed = sealedBytesOf(stored, keyId);
    if (sealed.length < NONCE_BYTES + TAG_BYTES) {
      throw new TokenStoreError(ErrorCode.STORE_CORRUPT, `The ${field} of token ${tokenId} is a damaged envelope; nothing was changed.`);
    }
    let value: string;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.encryption, sealed.subarray(0, NONCE_BYTES));
      decipher.setAAD(this.#associatedData(keyId, field));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      value = decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES), undefined, 'utf8') + decipher.final('utf8');
    } catch {
      throw new TokenStoreError(
        ErrorCode.KEY_INVALID,
        `The ${field} of token ${tokenId} does not decrypt with key "${keyId}": the key under that id is not the one it ` +
          'was written with, or the value was altered. Nothing was changed.',
      );
    }
    cache.set(stored, value);
    return value;
  }

  #seal(key: DerivedKey, field: SecretField, value: string, nonce: Buffer): string {
    const cipher = createCipheriv('aes-256-gcm', key.encryption, nonce);
    cipher.setAAD(this.#associatedData(key.id, field));
    const body = Buffer.concat([nonce, cipher.update(value, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    const envelope = envelopeOf(key.id, body);
    this.#opened[field].set(envelope, value);
    return envelope;
  }

  #associatedData(keyId: string, field: SecretField): Buffer {
    const name = `${ENVELOPE_PREFIX}${keyId}.${field}`;
    let data = this.#associated.get(name);
    if (data === undefined) {
      data = Buffer.from(name, 'utf8');
      this.#associated.set(name, data);
    }
    return data;
  }
}
