import { ErrorCode } from '../errors/codes.js';
import { TokenStoreError } from '../errors/token-store-error.js';

export interface HttpUrlRules {
  /** Accept a query string (a redirect URI may have one; a base URL may not). Default false. */
  readonly query?: boolean;
}

/**
 * An absolute http(s) URL with no spaces, no credentials (they would travel in every request and every log of it)
 * and no fragment; and, unless `rules.query`, no query (the path is the base of Zoho's endpoints). INVALID_CONFIG
 * otherwise. Messages never repeat the URL.
 */
export function parseHttpUrl(what: string, value: unknown, rules: HttpUrlRules = {}): URL {
  const refuse = (rule: string) => new TokenStoreError(ErrorCode.INVALID_CONFIG, `The ${what} must be ${rule}.`);
  if (typeof value !== 'string' || /\s/.test(value) || !URL.canParse(value)) throw refuse('an absolute http(s) URL without spaces');
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw refuse('an absolute http(s) URL');
  if (url.username !== '' || url.password !== '') throw refuse('a URL without a user name or password in it');
  // `url.hash` is '' for a bare '#': the text tells.
  if (value.includes('#')) throw refuse('a URL without a fragment (#)');
  if (!rules.query && url.search !== '') throw refuse('a URL without a query (?)');
  return url;
}
