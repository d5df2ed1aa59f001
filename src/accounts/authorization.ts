import { ErrorCode } from '../errors/codes.js';
import { TokenArgumentError } from '../errors/token-store-error.js';
import { isDataCenterCode, type DataCenterCode } from './data-centers.js';

export interface AuthorizationRequest {
  /** The accounts server that starts authorization (accounts.zoho.com for every DC but CN). */
  readonly accountsUrl: string;
  readonly clientId: string;
  readonly redirectUri: string;
  /** e.g. `['ZohoCRM.modules.ALL', 'ZohoCRM.users.READ']`; sent comma-separated, as Zoho expects. */
  readonly scope: readonly string[];
  readonly state?: string;
  /** `offline` (default) is needed for a refresh token. */
  readonly accessType?: 'offline' | 'online';
  /** `consent` (default) makes Zoho issue a refresh token again for a user who already authorized the app. */
  readonly prompt?: 'consent' | null;
  /** PKCE: the S256 challenge of a verifier you keep for the exchange. */
  readonly codeChallenge?: string;
}

/** The URL to send the user's browser to. */
export function authorizationUrl(request: AuthorizationRequest): URL {
  const url = new URL(request.accountsUrl);
  url.pathname = url.pathname.replace(/\/$/, '') + '/oauth/v2/auth';
  url.searchParams.set('scope', request.scope.join(','));
  url.searchParams.set('client_id', request.clientId);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('access_type', request.accessType ?? 'offline');
  url.searchParams.set('redirect_uri', request.redirectUri);
  if (request.prompt !== null) url.searchParams.set('prompt', request.prompt ?? 'consent');
  if (request.state !== undefined) url.searchParams.set('state', request.state);
  if (request.codeChallenge !== undefined) {
    url.searchParams.set('code_challenge', request.codeChallenge);
    url.searchParams.set('code_challenge_method', 'S256');
  }
  return url;
}

/** What Zoho's redirect back to the app carries. */
export interface AuthorizationRedirect {
  readonly code: string;
  readonly state: string | null;
  /** The user's data center (`location`), when Zoho names it. */
  readonly location: DataCenterCode | null;
  /** The accounts server that must exchange the code (`accounts-server`), when Zoho names it. */
  readonly accountsServer: string | null;
}

/**
 * Reads the redirect URL Zoho sent the browser to (`redirect_uri?code=…&location=…&accounts-server=…`).
 * An `error` parameter (the user denied access) or a missing code is an INVALID_ARGUMENT.
 */
export function parseAuthorizationRedirect(redirect: string | URL): AuthorizationRedirect {
  const url = new URL(redirect);
  const denied = url.searchParams.get('error');
  if (denied !== null) {
    throw new TokenArgumentError(ErrorCode.INVALID_ARGUMENT, 'The authorization redirect carries an error (the user denied access?); ask the user to authorize again.');
  }
  const code = url.searchParams.get('code');
  if (!code) throw new TokenArgumentError(ErrorCode.INVALID_ARGUMENT, 'The authorization redirect has no "code" parameter.');
  const location = url.searchParams.get('location');
  return {
    code,
    state: url.searchParams.get('state'),
    location: isDataCenterCode(location) ? location : null,
    accountsServer: url.searchParams.get('accounts-server'),
  };
}
