import { ErrorCode } from '../errors/codes.js';
import { AccountsError } from './accounts-error.js';

/** What a successful exchange or refresh gave: the new access token and, from an exchange, a refresh token. */
export interface TokenGrant {
  readonly accessToken: string;
  /** Present after a code exchange, and after a refresh by a server that rotates refresh tokens; else null. */
  readonly refreshToken: string | null;
  /** Absolute expiry, epoch ms, counted from when the request was SENT (so latency never lengthens a token's life). */
  readonly expiresAt: number;
  readonly apiDomain: string | null;
  /** Scopes granted, when the server says (Zoho's newer responses: space-separated). */
  readonly scope: readonly string[] | null;
}

/** Zoho's documented lifetime, used when a standard OAuth 2.0 server omits `expires_in` (it is only RECOMMENDED). */
const DEFAULT_LIFETIME_MS = 3_600_000;

const nonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

function lifetimeMs(body: Record<string, unknown>): number {
  // Legacy Zoho format: "expires_in_sec" holds seconds and "expires_in" then holds milliseconds.
  const legacySeconds = Number(body.expires_in_sec);
  if (body.expires_in_sec !== undefined && Number.isFinite(legacySeconds) && legacySeconds > 0) return legacySeconds * 1_000;
  const seconds = Number(body.expires_in);
  if (body.expires_in !== undefined && Number.isFinite(seconds) && seconds > 0) return seconds * 1_000;
  return DEFAULT_LIFETIME_MS;
}

/** Reads a successful token response. `sentAt` is the clock's time when the request was sent. */
export function parseTokenResponse(body: Record<string, unknown>, sentAt: number): TokenGrant {
  if (!nonEmptyString(body.access_token)) {
    throw new AccountsError(
      ErrorCode.ACCOUNTS_PROTOCOL,
      'The accounts server answered without an access_token or an error; check the accounts URL of the environment.',
    );
  }
  return {
    accessToken: body.access_token,
    refreshToken: nonEmptyString(body.refresh_token) ? body.refresh_token : null,
    expiresAt: Math.floor(sentAt + lifetimeMs(body)),
    apiDomain: nonEmptyString(body.api_domain) ? body.api_domain : null,
    scope: nonEmptyString(body.scope) ? body.scope.split(/[\s,]+/).filter(Boolean) : null,
  };
}
