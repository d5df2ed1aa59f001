import { randomBytes } from 'node:crypto';
import { OAuthToken, type OAuthTokenInit } from '../../token/oauth-token.js';

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

/** A value shaped like a Zoho token (`1000.<32 hex>.<32 hex>`), unique per call. */
export const zohoLikeToken = (): string => `1000.${hex(16)}.${hex(16)}`;

/** A unique user name shaped like the official SDK's (an email). */
export const uniqueUser = (label = 'user'): string => `${label}.${hex(6)}@example.com`;

/** A complete token for a fresh user; `overrides` replace single fields. */
export function completeToken(overrides: OAuthTokenInit = {}): OAuthToken {
  return new OAuthToken({
    userSignature: uniqueUser(),
    clientId: `1000.${hex(15).toUpperCase()}`,
    clientSecret: hex(21),
    refreshToken: zohoLikeToken(),
    accessToken: zohoLikeToken(),
    grantToken: zohoLikeToken(),
    expiresAt: Date.now() + 3_600_000,
    redirectUrl: 'https://app.example.com/oauth/callback',
    apiDomain: 'https://www.zohoapis.com',
    ...overrides,
  });
}

/** The fields of a token as plain data, for comparisons that name the field that differs. */
export function fieldsOf(token: OAuthToken): Record<string, string | number | null> {
  return {
    userName: token.userName,
    clientId: token.clientId,
    clientSecret: token.clientSecret,
    refreshToken: token.refreshToken,
    accessToken: token.accessToken,
    grantToken: token.grantToken,
    expiresAt: token.expiresAt,
    redirectUrl: token.redirectUrl,
    apiDomain: token.apiDomain,
  };
}

/** The names of the fields whose values differ (never the values: they may be secrets). */
export function differingFields(actual: OAuthToken, expected: OAuthToken): string[] {
  const a = fieldsOf(actual);
  const e = fieldsOf(expected);
  return Object.keys(e).filter((field) => a[field] !== e[field]);
}
