import { OAuthToken } from 'zoho-token-store';

/** A token holding `value` in every text field of the official formats, its keys made unique by `i`. */
export const tokenHolding = (value: string, i: number, expiresAt = i): OAuthToken =>
  new OAuthToken({
    userSignature: `${value}#user${i}`,
    clientId: `${value}#cid`,
    clientSecret: `${value}#secret`,
    refreshToken: `${value}#refresh${i}`,
    accessToken: `${value}#access${i}`,
    grantToken: `${value}#grant${i}`,
    expiresAt,
    redirectUrl: `${value}#redirect`,
    apiDomain: `${value}#domain`,
  });
