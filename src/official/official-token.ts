import { ErrorCode } from '../errors/codes.js';
import { TokenArgumentError } from '../errors/token-store-error.js';
import { OAuthToken } from '../token/oauth-token.js';
import type { OfficialSdk } from './official-sdk.js';

/** The official SDK's `UserSignature`, as far as the bridge uses it. */
export interface OfficialUserSignature {
  getName(): string | null;
}

/**
 * The official SDK's `OAuthToken` (`@zohocrm/typescript-sdk-8.0`), described by the members the bridge calls and the
 * ones its `Token` interface requires, so that this package's declarations do not depend on the official package.
 */
export interface OfficialOAuthToken {
  getId(): string | null;
  setId(id: string | null): void;
  getUserSignature(): OfficialUserSignature | null;
  setUserSignature(signature: OfficialUserSignature | null): void;
  getClientId(): string | null;
  setClientId(value: string | null): void;
  getClientSecret(): string | null;
  setClientSecret(value: string | null): void;
  getRefreshToken(): string | null;
  setRefreshToken(value: string | null): void;
  getAccessToken(): string | null;
  setAccessToken(value: string | null): void;
  getGrantToken(): string | null;
  setGrantToken(value: string | null): void;
  /** The official name for the absolute expiry: epoch milliseconds as a string. */
  getExpiresIn(): string | null;
  setExpiresIn(value: string | null): void;
  getRedirectURL(): string | null;
  setRedirectURL(value: string | null): void;
  getAPIDomain(): string | null;
  setAPIDomain(value: string | null): void;
  authenticate(urlConnection: unknown): void;
  remove(): Promise<boolean>;
  revoke(id: string): Promise<boolean | undefined>;
  generateToken(): void;
}

// Official tokens built with no arguments hold `undefined`; the official format has no difference between '' and null.
const text = (value: string | null | undefined): string | null =>
  value === undefined || value === null || value === '' ? null : String(value);

function expiryOf(expiresIn: string | null | undefined): number | null {
  const value = text(expiresIn);
  if (value === null) return null;
  if (!/^\d{1,16}$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new TokenArgumentError(
      ErrorCode.INVALID_ARGUMENT,
      "The official token's expiry time (setExpiresIn) must be epoch milliseconds as digits.",
    );
  }
  return Number(value);
}

/** Our token with the official one's fields (validated as every store validates them). */
export function toOurToken(official: OfficialOAuthToken): OAuthToken {
  return new OAuthToken({
    id: text(official.getId()),
    userSignature: text(official.getUserSignature()?.getName()),
    clientId: text(official.getClientId()),
    clientSecret: text(official.getClientSecret()),
    refreshToken: text(official.getRefreshToken()),
    accessToken: text(official.getAccessToken()),
    grantToken: text(official.getGrantToken()),
    expiresAt: expiryOf(official.getExpiresIn()),
    redirectUrl: text(official.getRedirectURL()),
    apiDomain: text(official.getAPIDomain()),
  });
}

/**
 * Fills the official token's empty fields from ours, in place, as the official FileStore and DBStore fill the token
 * the SDK passes them (fields the caller set are kept; the id is the stored row's).
 */
export function fillOfficial(sdk: OfficialSdk, official: OfficialOAuthToken, ours: OAuthToken): OfficialOAuthToken {
  if (ours.id !== null) official.setId(ours.id);
  if (text(official.getUserSignature()?.getName()) === null) {
    official.setUserSignature(ours.userName === null ? null : new sdk.UserSignature(ours.userName));
  }
  // The official stores fill client id and secret with '' when the row has none.
  if (text(official.getClientId()) === null) official.setClientId(ours.clientId ?? '');
  if (text(official.getClientSecret()) === null) official.setClientSecret(ours.clientSecret ?? '');
  if (text(official.getRefreshToken()) === null) official.setRefreshToken(ours.refreshToken);
  if (text(official.getAccessToken()) === null) official.setAccessToken(ours.accessToken);
  if (text(official.getGrantToken()) === null) official.setGrantToken(ours.grantToken);
  if (text(official.getExpiresIn()) === null && ours.expiresAt !== null) official.setExpiresIn(String(ours.expiresAt));
  if (text(official.getRedirectURL()) === null) official.setRedirectURL(ours.redirectUrl);
  if (text(official.getAPIDomain()) === null) official.setAPIDomain(ours.apiDomain);
  return official;
}

/** A new official token holding ours, built as the official stores build the tokens they return. */
export function newOfficialToken(sdk: OfficialSdk, ours: OAuthToken): OfficialOAuthToken {
  return fillOfficial(sdk, Reflect.construct(sdk.OAuthToken, []), ours);
}
