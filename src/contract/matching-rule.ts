import type { OAuthToken } from '../token/oauth-token.js';

/** The record fields a store must be able to look a token up by. */
export type LookupField = 'id' | 'userName' | 'accessToken' | 'grantToken' | 'refreshToken';

export interface MatchKey {
  readonly field: LookupField;
  readonly value: string;
}

type MatchableToken = Pick<
  OAuthToken,
  'userName' | 'accessToken' | 'clientId' | 'clientSecret' | 'grantToken' | 'refreshToken'
>;

/**
 * THE matching rule, the one place it is written. It decides which stored token a partly filled token refers to;
 * the first branch that applies wins:
 * 1. a user name is given → match on the user name;
 * 2. else an access token is given and neither client id nor client secret → match on the access token;
 * 3. else a grant or refresh token is given, with both client id and client secret → match on the grant token
 *    when one is given, otherwise on the refresh token;
 * otherwise nothing can be matched (`null`).
 *
 * The official SDK's find code reads `refresh || grant && id && secret`, which lets a refresh token without
 * client credentials match; the article's text and its save code require the credentials, and so does this rule.
 */
export function matchKeyOf(token: MatchableToken): MatchKey | null {
  const userName = token.userName;
  if (userName) return { field: 'userName', value: userName };
  const hasClientCredential = Boolean(token.clientId) || Boolean(token.clientSecret);
  if (token.accessToken && !hasClientCredential) return { field: 'accessToken', value: token.accessToken };
  if (token.clientId && token.clientSecret) {
    if (token.grantToken) return { field: 'grantToken', value: token.grantToken };
    if (token.refreshToken) return { field: 'refreshToken', value: token.refreshToken };
  }
  return null;
}

/** The keys `saveToken` tries, in order: the token's id when it has one, then the matching rule's key. */
export function saveKeysOf(token: MatchableToken & Pick<OAuthToken, 'id'>): MatchKey[] {
  const keys: MatchKey[] = [];
  if (token.id) keys.push({ field: 'id', value: token.id });
  const match = matchKeyOf(token);
  if (match) keys.push(match);
  return keys;
}
