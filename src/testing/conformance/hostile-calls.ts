import type { TokenStore } from '../../contract/token-store.js';
import { ErrorCode } from '../../errors/codes.js';
import { OAuthToken } from '../../token/oauth-token.js';
import { SECRET_FIELDS, TEXT_FIELDS } from '../../token/token-fields.js';
import { fieldsOf } from './fixtures.js';
import { listAll } from './store-calls.js';
import { ConformanceViolation, ensure } from './violation.js';

/**
 * The end of `value` that takes at most `maxBytes` UTF-8 bytes, cut at a code point (all of it when `maxBytes` is
 * null). The end, not the start: the corpus's values at the limit differ at their ends.
 */
export function fitBytes(value: string, maxBytes: number | null): string {
  if (maxBytes === null) return value;
  const chars = [...value];
  let bytes = 0;
  let start = chars.length;
  while (start > 0 && bytes + Buffer.byteLength(chars[start - 1] as string, 'utf8') <= maxBytes) {
    start -= 1;
    bytes += Buffer.byteLength(chars[start] as string, 'utf8');
  }
  return chars.slice(start).join('');
}

/** A token whose user name and every text field hold `value` (secret fields cut to `maxSecretBytes`). */
export function tokenFilledWith(value: string, expiresAt: number, maxSecretBytes: number | null = null): OAuthToken {
  const init: Record<string, string | number> = { userSignature: value, expiresAt };
  for (const field of TEXT_FIELDS)
    init[field] = (SECRET_FIELDS as readonly string[]).includes(field) ? fitBytes(value, maxSecretBytes) : value;
  return OAuthToken.from(init);
}

/** Everything the store holds, ids included, as one comparable string (never printed: it holds secrets). */
export async function snapshot(store: TokenStore, rule: string): Promise<string> {
  const tokens = await listAll(store, rule);
  return JSON.stringify(tokens.map((token) => [token.id, fieldsOf(token)]));
}

/** Asserts that the store holds exactly what `before` recorded. */
export async function expectUnchanged(store: TokenStore, rule: string, before: string, after: string): Promise<void> {
  ensure(rule, (await snapshot(store, rule)) === before, `after ${after} the stored tokens must be unchanged; they changed.`);
}

/**
 * Runs a lookup or delete given a value no store can hold: it may resolve to `null` (or nothing, for a delete) or
 * reject with `INVALID_ARGUMENT`; anything else is a violation.
 */
export async function nullOrRefused(rule: string, what: string, call: () => Promise<unknown>): Promise<void> {
  let result: unknown;
  try {
    result = await call();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    ensure(
      rule,
      code === ErrorCode.INVALID_ARGUMENT,
      `${what} must resolve to null or reject with INVALID_ARGUMENT; it rejected with code ${String(code)}.`,
    );
    return;
  }
  if (result !== null && result !== undefined) {
    throw new ConformanceViolation(rule, `${what} must resolve to null or reject with INVALID_ARGUMENT; it found a token.`);
  }
}

/** A description of a value safe for a message: its length and a short escaped prefix (corpus values are not secrets). */
export function describeValue(value: unknown): string {
  if (typeof value !== 'string') return String(value);
  const shown = JSON.stringify(value.length > 24 ? `${value.slice(0, 24)}…` : value);
  return `${shown} (${value.length} UTF-16 units)`;
}
