import { ErrorCode } from '../errors/codes.js';
import { TokenArgumentError } from '../errors/token-store-error.js';

/**
 * The longest value of a text field (user name, client id and secret, tokens, URLs), in Unicode code points: the
 * `varchar(255)` of the official `oauthtoken` table. Every store enforces the same limit here, before any store is
 * touched, so a token any store accepts fits every other store and `zoho-tokens migrate` never fails on length.
 * A Zoho token is about 70 characters; an email at most 254.
 */
export const MAX_TEXT_LENGTH = 255;

/** The longest token id: the official table's `varchar(10)` (stores generate decimal ids, at most 9,999,999,999). */
export const MAX_ID_LENGTH = 10;

/** The longest refresh-lock key (a token id in the lifecycle; any short name elsewhere). */
export const MAX_LOCK_KEY_LENGTH = MAX_TEXT_LENGTH;

// `String.prototype.isWellFormed` (Node 20) is native; ES2022's lib does not declare it yet.
const isWellFormed = (value: string): boolean => (value as string & { isWellFormed(): boolean }).isWellFormed();

/** Code points in `value`, counted only when its UTF-16 length could exceed `max`. */
function longerThan(value: string, max: number): boolean {
  if (value.length <= max) return false;
  let count = 0;
  for (const _ of value) if (++count > max) return true;
  return false;
}

const refuse = (message: string): TokenArgumentError => new TokenArgumentError(ErrorCode.INVALID_ARGUMENT, message);

/**
 * Checks a non-empty string value: no NUL (PostgreSQL text refuses it), no lone surrogate (it cannot be encoded
 * as UTF-8, so MySQL, PostgreSQL, SQLite and files would each mangle it differently), at most `max` code points.
 * The message names the field, never the value.
 */
export function checkText(field: string, value: string, max: number): string {
  checkWellFormed(field, value);
  if (longerThan(value, max)) {
    throw refuse(`Token field "${field}" is longer than ${max} characters, the most every store keeps; shorten it.`);
  }
  return value;
}

/** Refuses NUL and lone surrogates: text no store can keep, in a value to save or to look up. */
function checkWellFormed(field: string, value: string): void {
  if (value.includes('\0')) {
    throw refuse(`Token field "${field}" contains a NUL character, which no store can keep; remove it.`);
  }
  if (!isWellFormed(value)) {
    throw refuse(`Token field "${field}" is not well-formed Unicode (a lone surrogate); pass valid text.`);
  }
}

/**
 * Checks a value to look up (or delete) by: malformed text is refused as for a save, but a value longer than
 * `max` is no mistake to report — no store can hold it, so it is simply not found (`null`: do not query).
 * "Is this an id or a user name?" lookups stay easy to write.
 */
export function lookupText(field: string, value: string, max: number): string | null {
  checkWellFormed(field, value);
  return longerThan(value, max) ? null : value;
}

/**
 * Normalises one text field: `undefined`, `null` and `''` become `null` (the official format cannot tell them
 * apart); any other value must be a well-formed string without NUL, at most `max` characters (default 255).
 */
export function normalizeText(field: string, value: unknown, max = MAX_TEXT_LENGTH): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') {
    throw refuse(`Token field "${field}" must be a string or null, got ${typeof value}.`);
  }
  return checkText(field, value, max);
}

/** Normalises the expiry: epoch milliseconds as a non-negative safe integer, or `null`. */
export function normalizeExpiry(value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw refuse('Token field "expiresAt" must be epoch milliseconds as a non-negative integer, or null.');
  }
  return value;
}

/**
 * Validates a token id argument of findTokenById or deleteToken: a non-empty, well-formed string. Resolves to null
 * for an id longer than 10 characters, which no token can have (nothing to find or delete).
 */
export function normalizeId(value: unknown, where: string): string | null {
  if (typeof value !== 'string' || value.length === 0) {
    throw refuse(`${where} needs a token id as a non-empty string.`);
  }
  return lookupText('id', value, MAX_ID_LENGTH);
}

/** Validates a refresh-lock key: a non-empty string of at most 255 characters. */
export function normalizeLockKey(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw refuse(`${where} needs a key as a non-empty string.`);
  }
  return checkText('key', value, MAX_LOCK_KEY_LENGTH);
}
