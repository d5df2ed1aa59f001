import type { OAuthToken } from '../../src/token/oauth-token.js';
import type { OfficialRowInit } from './_cli.js';

/** A stored token as the official row it came from (every field, the id included). */
export function asRow(token: OAuthToken): OfficialRowInit {
  return {
    id: token.id ?? '',
    user: token.userName ?? '',
    clientId: token.clientId ?? '',
    clientSecret: token.clientSecret ?? '',
    refreshToken: token.refreshToken ?? '',
    accessToken: token.accessToken ?? '',
    grantToken: token.grantToken ?? '',
    expiryTime: token.expiresAt === null ? '' : String(token.expiresAt),
    redirectUrl: token.redirectUrl ?? '',
    apiDomain: token.apiDomain ?? '',
  };
}

export const normalized = (rows: readonly OfficialRowInit[]): OfficialRowInit[] =>
  rows.map((row) => ({
    id: row.id,
    user: row.user ?? '',
    clientId: row.clientId ?? '',
    clientSecret: row.clientSecret ?? '',
    refreshToken: row.refreshToken ?? '',
    accessToken: row.accessToken ?? '',
    grantToken: row.grantToken ?? '',
    expiryTime: row.expiryTime ?? '',
    redirectUrl: row.redirectUrl ?? '',
    apiDomain: row.apiDomain ?? '',
  }));
