import { ErrorCode } from '../errors/codes.js';
import { TokenStoreError } from '../errors/token-store-error.js';
import type { TokenRecord } from '../token/token-fields.js';
import { ENVELOPE_PREFIX } from './envelope.js';

/**
 * For stores without encryption: refuses a stored record that holds encrypted values, rather than hand out an
 * envelope as if it were a token (which Zoho would reject, and a refresh could then overwrite). Three
 * `startsWith` on the hot path; the client secret is checked too, as it is rarely set.
 */
export function refuseEncrypted(stored: TokenRecord, label: string): TokenRecord {
  if (
    stored.accessToken?.startsWith(ENVELOPE_PREFIX) ||
    stored.refreshToken?.startsWith(ENVELOPE_PREFIX) ||
    stored.grantToken?.startsWith(ENVELOPE_PREFIX) ||
    stored.clientSecret?.startsWith(ENVELOPE_PREFIX)
  ) {
    throw new TokenStoreError(
      ErrorCode.KEY_INVALID,
      `The ${label} holds encrypted tokens (token ${stored.id}); open it with the "encryption" option and its key ring. Nothing was changed.`,
    );
  }
  return stored;
}
