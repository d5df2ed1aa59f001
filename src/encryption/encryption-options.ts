import { describeUnknown, unknownOption } from '../config/unknown-options.js';
import { ErrorCode } from '../errors/codes.js';
import { TokenStoreError } from '../errors/token-store-error.js';

/** A 32-byte AES-256 master key: the bytes, or their base64 (standard or URL-safe) text. */
export type EncryptionKey = Uint8Array | string;

/**
 * Encryption at rest for a store: the key ring and how to treat values written before encryption was on.
 * See docs/encryption.md.
 */
export interface EncryptionOptions {
  /** Every key that may still decrypt stored values, by key id (`[A-Za-z0-9_-]{1,16}`). */
  readonly keys: Readonly<Record<string, EncryptionKey>>;
  /** The key new writes use; one of `keys`. */
  readonly currentKeyId: string;
  /**
   * Lookups by access, refresh or grant token also try the value in clear, so tokens saved before encryption was
   * turned on are still found (for migrating; run `reencrypt()` then turn it off). Default false. Rows in clear
   * are always readable by user name, by id and in listings.
   */
  readonly acceptPlaintext?: boolean;
  /**
   * How many decrypted and encrypted values per field the store keeps in process memory, so that looking up the
   * same token again costs no cryptography. Default 10,000; 0 turns the cache off.
   */
  readonly cacheSize?: number;
}

/** The validated, frozen form: keys as 32-byte buffers. */
export interface EncryptionConfig {
  readonly keys: ReadonlyMap<string, Buffer>;
  readonly currentKeyId: string;
  readonly acceptPlaintext: boolean;
  readonly cacheSize: number;
}

export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,16}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$|^[A-Za-z0-9_-]+$/;
const KNOWN_OPTIONS = ['keys', 'currentKeyId', 'acceptPlaintext', 'cacheSize'];

const invalid = (owner: string, message: string): TokenStoreError => new TokenStoreError(ErrorCode.INVALID_CONFIG, `${owner}: ${message}`);

/** Reads one key. Messages name the key id, never the key. */
function keyBytes(owner: string, id: string, key: unknown): Buffer {
  let bytes: Buffer | null = null;
  if (key instanceof Uint8Array) bytes = Buffer.from(key);
  else if (typeof key === 'string' && BASE64.test(key.trim()))
    bytes = Buffer.from(key.trim(), key.includes('-') || key.includes('_') ? 'base64url' : 'base64');
  if (bytes === null || bytes.length !== 32) {
    throw new TokenStoreError(
      ErrorCode.KEY_INVALID,
      `${owner}: encryption key "${id}" must be 32 bytes (a Buffer, or their base64); make one with ` +
        `node -e "console.log(require('crypto').randomBytes(32).toString('base64'))".`,
    );
  }
  return bytes;
}

/**
 * Validates `encryption` options once, before anything is opened: INVALID_CONFIG for a malformed ring, KEY_INVALID
 * for a key that is not 32 bytes. `owner` names the store in messages.
 */
export function encryptionConfig(options: EncryptionOptions, owner: string): EncryptionConfig {
  if (options === null || typeof options !== 'object')
    throw invalid(owner, 'option "encryption" must be an object with "keys" and "currentKeyId".');
  const unknown = unknownOption(options, KNOWN_OPTIONS);
  if (unknown !== null) throw invalid(owner, `encryption: ${describeUnknown(unknown, KNOWN_OPTIONS)}`);
  const { keys, currentKeyId, acceptPlaintext = false, cacheSize = 10_000 } = options;
  if (keys === null || typeof keys !== 'object' || Array.isArray(keys) || keys instanceof Uint8Array) {
    throw invalid(owner, 'encryption option "keys" must be an object of key id → 32-byte key.');
  }
  const ring = new Map<string, Buffer>();
  for (const [index, [id, key]] of Object.entries(keys).entries()) {
    // A rejected id is never repeated: a key and its id given the wrong way round would print the key.
    if (!KEY_ID_PATTERN.test(id)) {
      throw invalid(owner, `encryption key id number ${index + 1} (${id.length} characters) must be 1 to 16 letters, digits, "_" or "-".`);
    }
    ring.set(id, keyBytes(owner, id, key));
  }
  if (ring.size === 0) throw invalid(owner, 'encryption option "keys" holds no key; give at least the current one.');
  if (typeof currentKeyId !== 'string' || !ring.has(currentKeyId)) {
    throw invalid(owner, 'encryption option "currentKeyId" must name one of the keys in "keys".');
  }
  if (typeof acceptPlaintext !== 'boolean') throw invalid(owner, 'encryption option "acceptPlaintext" must be true or false.');
  if (!Number.isSafeInteger(cacheSize) || cacheSize < 0 || cacheSize > 10_000_000) {
    throw invalid(owner, 'encryption option "cacheSize" must be a whole number from 0 to 10000000.');
  }
  return Object.freeze({ keys: ring, currentKeyId, acceptPlaintext, cacheSize });
}
