import { MAX_TEXT_LENGTH } from '../token/validate-value.js';

/**
 * The stored form of an encrypted value: `zts1.<keyId>.<base64url(nonce ‖ ciphertext ‖ tag)>`, plain ASCII so it
 * fits every store's text column and the official CSV file unchanged. `zts1` names this format (AES-256-GCM,
 * 12-byte nonce, 16-byte tag); a later format would take another prefix.
 */
export const ENVELOPE_PREFIX = 'zts1.';
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
/** The longest key id (see KEY_ID_PATTERN). */
const MAX_KEY_ID_LENGTH = 16;

const FIRST_CHAR = ENVELOPE_PREFIX.charCodeAt(0);

/** True when a stored value is an envelope rather than a value in clear (one character compare for most values). */
export const isEnvelope = (value: string | null): value is string =>
  value !== null && value.charCodeAt(0) === FIRST_CHAR && value.startsWith(ENVELOPE_PREFIX);

/** The key id of an envelope, or null when it has none (a damaged value). */
export function keyIdOf(envelope: string): string | null {
  const end = envelope.indexOf('.', ENVELOPE_PREFIX.length);
  return end <= ENVELOPE_PREFIX.length ? null : envelope.slice(ENVELOPE_PREFIX.length, end);
}

/** The envelope of `sealed` (nonce ‖ ciphertext ‖ tag) under a key id. */
export const envelopeOf = (keyId: string, sealed: Buffer): string => `${ENVELOPE_PREFIX}${keyId}.${sealed.toString('base64url')}`;

/** The nonce ‖ ciphertext ‖ tag bytes of an envelope whose key id is `keyId`. */
export const sealedBytesOf = (envelope: string, keyId: string): Buffer =>
  Buffer.from(envelope.slice(ENVELOPE_PREFIX.length + keyId.length + 1), 'base64url');

/** Characters the envelope of a `length`-byte value takes under `keyId` (to check column widths). */
export const envelopeLength = (keyId: string, length: number): number =>
  ENVELOPE_PREFIX.length + keyId.length + 1 + Math.ceil(((NONCE_BYTES + length + TAG_BYTES) * 4) / 3);

/**
 * The most UTF-8 bytes a secret may hold in an encrypted store: the largest value whose envelope, under the
 * longest key id, still fits the 255 characters every store keeps (the official table's columns). 146 bytes; a
 * Zoho token is about 70.
 */
export const MAX_ENCRYPTED_SECRET_BYTES = (() => {
  let bytes = MAX_TEXT_LENGTH;
  while (envelopeLength('x'.repeat(MAX_KEY_ID_LENGTH), bytes) > MAX_TEXT_LENGTH) bytes -= 1;
  return bytes;
})();
