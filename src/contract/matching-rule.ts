import type { OAuthToken } from '../token/oauth-token.js';

/** The record fields a store must be able to look a token up by. */
export const LOOKUP_FIELDS = ['id', 'userName', 'accessToken', 'grantToken', 'refreshToken'] as const;
export type LookupField = (typeof LOOKUP_FIELDS)[number];

export interface MatchKey {
  readonly field: LookupField;
  readonly value: string;
}

type MatchableToken = Pick<OAuthToken, 'userName' | 'accessToken' | 'clientId' | 'clientSecret' | 'grantToken' | 'refreshToken'>;

/** The fields the matching rule can match on. */
export type MatchField = Exclude<LookupField, 'id'>;

/**
 * THE matching rule, the one place it is written. It decides which stored token a partly filled token refers to;
 * the first branch that applies wins:
 * 1. a user name is given → match on the user name;
 * 2. else an access token is given and neither client id nor client secret → match on the access token;
 * 3. else a grant or refresh token is given, with both client id and client secret → match on the grant token
 *    when one is given, otherwise on the refresh token;
 * otherwise nothing can be matched (`null`). Returns the field to match on.
 *
 * The official SDK's find code reads `refresh || grant && id && secret`, which lets a refresh token without
 * client credentials match; the article's text and its save code require the credentials, and so does this rule.
 */
export function matchFieldOf(token: MatchableToken): MatchField | null {
  if (token.userName) return 'userName';
  const hasClientCredential = Boolean(token.clientId) || Boolean(token.clientSecret);
  if (token.accessToken && !hasClientCredential) return 'accessToken';
  if (token.clientId && token.clientSecret) {
    if (token.grantToken) return 'grantToken';
    if (token.refreshToken) return 'refreshToken';
  }
  return null;
}

/** The value a token holds in a field the rule matches on. */
export function matchValueOf(token: MatchableToken, field: MatchField): string {
  return (field === 'userName' ? token.userName : token[field]) as string;
}

/** The matching rule's field and the token's value in it (see `matchFieldOf`), or null when nothing can match. */
export function matchKeyOf(token: MatchableToken): MatchKey | null {
  const field = matchFieldOf(token);
  return field === null ? null : { field, value: matchValueOf(token, field) };
}

/** The keys `saveToken` tries, in order: the token's id when it has one, then the matching rule's key. */
export function saveKeysOf(token: MatchableToken & Pick<OAuthToken, 'id'>): MatchKey[] {
  const keys: MatchKey[] = [];
  if (token.id) keys.push({ field: 'id', value: token.id });
  const match = matchKeyOf(token);
  if (match) keys.push(match);
  return keys;
}
