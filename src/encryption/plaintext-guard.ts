import { ErrorCode } from '../errors/codes.js';
import { TokenArgumentError, TokenStoreError } from '../errors/token-store-error.js';
import { SECRET_FIELDS, type TokenRecord } from '../token/token-fields.js';
import { ENVELOPE_PREFIX, isEnvelope } from './envelope.js';

/**
 * For stores without encryption: refuses a stored record that holds encrypted values, rather than hand out an
 * envelope as if it were a token (which Zoho would reject, and a refresh could then overwrite). An encrypting
 * store encrypts every secret of a record it writes, so one field tells: the first of access, refresh and grant
 * token present (every saved token has one). This keeps the check at a few nanoseconds on the hot path.
 */
export function refuseEncrypted(stored: TokenRecord, label: string): TokenRecord {
  const value = stored.accessToken ?? stored.refreshToken ?? stored.grantToken;
  if (isEnvelope(value)) {
    throw new TokenStoreError(
      ErrorCode.KEY_INVALID,
      `The ${label} holds encrypted tokens (token ${stored.id}); open it with the "encryption" option and its key ring. Nothing was changed.`,
    );
  }
  return stored;
}

/**
 * For stores without encryption: refuses to save a secret that looks like an envelope. Stored in clear, it would
 * read back as an encrypted token this store cannot open (see `refuseEncrypted`); no Zoho token starts this way.
 */
export function refuseEnvelopeLike(token: Readonly<Record<(typeof SECRET_FIELDS)[number], string | null>>): void {
  for (const field of SECRET_FIELDS) {
    const value = token[field];
    if (isEnvelope(value)) {
      throw new TokenArgumentError(
        ErrorCode.INVALID_ARGUMENT,
        `Token field "${field}" starts with "${ENVELOPE_PREFIX}", which marks encrypted values; a store without encryption cannot keep it. Nothing was saved.`,
      );
    }
  }
}
