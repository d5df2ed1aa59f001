import type { TokenStore } from '../../contract/token-store.js';
import type { OAuthToken } from '../../token/oauth-token.js';
import { fieldsOf } from './fixtures.js';
import { ensure, mustSucceed } from './violation.js';

/** Store calls the checks share: each reports a failure as a violation of the calling rule. */
export async function save(store: TokenStore, rule: string, token: OAuthToken): Promise<OAuthToken> {
  await mustSucceed(rule, 'saveToken', () => store.saveToken(token));
  ensure(rule, typeof token.id === 'string' && token.id.length > 0, "saveToken must set the token's id to its row's id.");
  return token;
}

export async function listAll(store: TokenStore, rule: string): Promise<OAuthToken[]> {
  const tokens = await mustSucceed(rule, 'getTokens', () => store.getTokens());
  ensure(rule, Array.isArray(tokens), 'getTokens must resolve to an array.');
  return tokens;
}

export async function expectCount(store: TokenStore, rule: string, count: number, after: string): Promise<OAuthToken[]> {
  const tokens = await listAll(store, rule);
  ensure(rule, tokens.length === count, `after ${after} the store must hold ${count} token(s); it holds ${tokens.length}.`);
  return tokens;
}

export async function expectStored(
  store: TokenStore,
  rule: string,
  id: string,
  expected: Record<string, unknown>,
  after: string,
): Promise<OAuthToken> {
  const found = await mustSucceed(rule, 'findTokenById', () => store.findTokenById(id));
  ensure(rule, found !== null && found !== undefined, `after ${after} token ${id} must be stored.`);
  const actual = fieldsOf(found);
  const wrong = Object.keys(expected).filter((field) => !Object.is(actual[field], expected[field]));
  ensure(rule, wrong.length === 0, `after ${after} token ${id} has wrong values in: ${wrong.join(', ')}.`);
  return found;
}

/** Checks that every listed token was saved, with exactly the fields recorded for its id in `saved`. */
export function expectListedAsSaved(
  rule: string,
  listed: readonly OAuthToken[],
  saved: ReadonlyMap<string, Record<string, unknown>>,
): void {
  for (const token of listed) {
    const expected = saved.get(String(token.id));
    ensure(rule, expected !== undefined, `getTokens returned token ${token.id}, which was never saved.`);
    const actual = fieldsOf(token);
    const wrong = Object.keys(expected).filter((field) => actual[field] !== expected[field]);
    ensure(rule, wrong.length === 0, `getTokens returned token ${token.id} with wrong values in: ${wrong.join(', ')}.`);
  }
}
