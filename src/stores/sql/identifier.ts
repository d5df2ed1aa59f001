import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Validates a table or database name from configuration. Identifiers cannot be bound as parameters, so only
 * plain names (letters, digits, underscore; at most 63 characters, PostgreSQL's limit) are accepted, and the
 * store quotes them itself; anything else is refused before any connection is made.
 */
export function validateIdentifier(kind: string, name: unknown): string {
  if (typeof name !== 'string' || !IDENTIFIER.test(name)) {
    throw new TokenStoreError(
      ErrorCode.INVALID_CONFIG,
      `The ${kind} must be a plain name of letters, digits and underscores (at most 63, not starting with a digit).`,
    );
  }
  return name;
}
