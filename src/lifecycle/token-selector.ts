import { ErrorCode } from '../errors/codes.js';
import { TokenArgumentError } from '../errors/token-store-error.js';
import { OAuthToken } from '../token/oauth-token.js';

/**
 * Which token a call is for. There is no "current user": every call names its token, so interleaved async calls
 * for different users can never get each other's token.
 * - `{ user }`: the stored token of that user name (or the configured token with that user name);
 * - `{ id }`: the stored token with that id;
 * - `{ token }`: a partly filled token, found by the matching rule, or used as given (a grant or refresh token).
 */
export type TokenSelector = { readonly user: string } | { readonly id: string } | { readonly token: OAuthToken };

const bad = (message: string): TokenArgumentError => new TokenArgumentError(ErrorCode.INVALID_ARGUMENT, message);

/** Checks a selector at the public entry points; the message names the expected shape, never a value. */
export function checkSelector(selector: unknown): asserts selector is TokenSelector | undefined {
  if (selector === undefined) return;
  if (typeof selector !== 'object' || selector === null) throw bad('A token selector must be { user }, { id } or { token }.');
  const keys = Object.keys(selector).filter((key) => (selector as Record<string, unknown>)[key] !== undefined);
  if (keys.length !== 1) throw bad('A token selector must have exactly one of user, id or token.');
  const value = (selector as Record<string, unknown>)[keys[0] as string];
  switch (keys[0]) {
    case 'user':
    case 'id':
      if (typeof value !== 'string' || value === '') throw bad(`Selector "${keys[0]}" must be a non-empty string.`);
      return;
    case 'token':
      if (!(value instanceof OAuthToken)) throw bad('Selector "token" must be an OAuthToken.');
      return;
    default:
      throw bad('A token selector must be { user }, { id } or { token }.');
  }
}

/** A selector in words safe for messages and logs: the user name or id, never a token value. */
export function describeSelector(selector: TokenSelector | undefined): string {
  if (selector === undefined) return 'the configured token';
  if ('user' in selector) return `user "${selector.user}"`;
  if ('id' in selector) return `token id ${selector.id}`;
  const { id, userName } = selector.token;
  return id ? `token id ${id}` : userName ? `user "${userName}"` : 'the given token';
}
