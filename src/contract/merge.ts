import { OAuthToken } from '../token/oauth-token.js';
import type { TokenRecord } from '../token/token-fields.js';

// Tokens' fields are public, so a caller may have set '' or undefined by hand: both mean "not given".
const given = <T>(value: T | null | undefined | ''): value is T => value !== null && value !== undefined && value !== '';

/** findToken's merge: fields the caller set are kept, the stored row fills the rest; the id is the row's. */
export function fillFromStored(query: OAuthToken, stored: TokenRecord): OAuthToken {
  const token = OAuthToken.fromRecord(stored, query.userSignature);
  if (given(query.userSignature)) token.userSignature = query.userSignature;
  if (given(query.clientId)) token.clientId = query.clientId;
  if (given(query.clientSecret)) token.clientSecret = query.clientSecret;
  if (given(query.redirectUrl)) token.redirectUrl = query.redirectUrl;
  if (given(query.grantToken)) token.grantToken = query.grantToken;
  if (given(query.refreshToken)) token.refreshToken = query.refreshToken;
  if (given(query.accessToken)) token.accessToken = query.accessToken;
  if (given(query.expiresAt)) token.expiresAt = query.expiresAt;
  if (given(query.apiDomain)) token.apiDomain = query.apiDomain;
  return token;
}

/** saveToken's merge: the token's fields replace the stored ones, and a field it leaves empty keeps its value. */
export function mergeIntoStored(stored: TokenRecord, token: OAuthToken): TokenRecord {
  return {
    id: stored.id,
    userName: token.userName ?? stored.userName,
    clientId: token.clientId ?? stored.clientId,
    clientSecret: token.clientSecret ?? stored.clientSecret,
    refreshToken: token.refreshToken ?? stored.refreshToken,
    accessToken: token.accessToken ?? stored.accessToken,
    grantToken: token.grantToken ?? stored.grantToken,
    expiresAt: token.expiresAt ?? stored.expiresAt,
    redirectUrl: token.redirectUrl ?? stored.redirectUrl,
    apiDomain: token.apiDomain ?? stored.apiDomain,
  };
}
