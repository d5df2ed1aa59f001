import { ErrorCode } from '../errors/codes.js';
import { TokenArgumentError } from '../errors/token-store-error.js';

// A lone surrogate cannot be encoded as UTF-8, so MySQL, PostgreSQL, SQLite and files would each mangle it
// differently; NUL is refused by PostgreSQL text columns. Rejecting both here keeps every store identical.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Normalises one text field: `undefined`, `null` and `''` become `null` (the official format cannot tell them
 * apart); any other value must be a well-formed string without NUL. The message names the field, never the value.
 */
export function normalizeText(field: string, value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') {
    throw new TokenArgumentError(ErrorCode.INVALID_ARGUMENT, `Token field "${field}" must be a string or null, got ${typeof value}.`);
  }
  if (value.includes('\0')) {
    throw new TokenArgumentError(ErrorCode.INVALID_ARGUMENT, `Token field "${field}" contains a NUL character, which no store can keep; remove it.`);
  }
  if (LONE_SURROGATE.test(value)) {
    throw new TokenArgumentError(
      ErrorCode.INVALID_ARGUMENT,
      `Token field "${field}" is not well-formed Unicode (a lone surrogate); pass valid text.`,
    );
  }
  return value;
}

/** Normalises the expiry: epoch milliseconds as a non-negative safe integer, or `null`. */
export function normalizeExpiry(value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new TokenArgumentError(
      ErrorCode.INVALID_ARGUMENT,
      'Token field "expiresAt" must be epoch milliseconds as a non-negative integer, or null.',
    );
  }
  return value;
}

/** Validates an id argument (deleteToken, findTokenById, a token's id). */
export function normalizeId(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TokenArgumentError(ErrorCode.INVALID_ARGUMENT, `${where} needs a token id as a non-empty string.`);
  }
  return normalizeText('id', value) as string;
}
