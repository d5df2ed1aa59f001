import { ErrorCode } from '../errors/codes.js';
import { TokenArgumentError } from '../errors/token-store-error.js';
import { describeUnknown, unknownOption } from '../config/unknown-options.js';
import { isDataCenterCode, type DataCenterCode } from './data-centers.js';

const refuse = (message: string): TokenArgumentError => new TokenArgumentError(ErrorCode.INVALID_ARGUMENT, message);

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
  if (typeof request?.accountsUrl !== 'string' || !URL.canParse(request.accountsUrl)) {
    throw refuse("authorizationUrl needs { accountsUrl } as an absolute URL, such as zohoEnvironment('us').accountsUrl.");
  }
  const url = new URL(request.accountsUrl);
  url.pathname = `${url.pathname.replace(/\/$/, '')}/oauth/v2/auth`;
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

export interface ParseAuthorizationRedirectOptions {
  /**
   * The app's own base URL (`https://app.example.com`), to read a redirect given as a request path: `request.url`
   * in node:http and Express is `/callback?code=…`, without scheme and host.
   */
  readonly baseUrl?: string | URL;
}

const HOW_TO_CALL =
  "pass the URL Zoho redirected to: parseAuthorizationRedirect('https://app.example.com/callback?code=…'), or a request " +
  "path with the app's base URL: parseAuthorizationRedirect(request.url, { baseUrl: 'https://app.example.com' })";

/** The redirect as a URL: an absolute URL, or a request path resolved against `baseUrl`. Never echoes the input. */
function redirectUrlOf(redirect: unknown, options: ParseAuthorizationRedirectOptions): URL {
  if (typeof options !== 'object' || options === null)
    throw refuse(`parseAuthorizationRedirect: options must be an object; ${HOW_TO_CALL}.`);
  const unknown = unknownOption(options, ['baseUrl']);
  if (unknown !== null) throw refuse(`parseAuthorizationRedirect: ${describeUnknown(unknown, ['baseUrl'])}`);
  const { baseUrl } = options;
  if (baseUrl !== undefined && !(baseUrl instanceof URL) && (typeof baseUrl !== 'string' || !URL.canParse(baseUrl))) {
    throw refuse("parseAuthorizationRedirect: baseUrl must be the app's absolute base URL, such as 'https://app.example.com'.");
  }
  if (redirect instanceof URL) return redirect;
  if (typeof redirect !== 'string' || redirect.trim() === '') {
    throw refuse(`parseAuthorizationRedirect needs the redirect (a URL string or URL); ${HOW_TO_CALL}.`);
  }
  if (URL.canParse(redirect)) return new URL(redirect);
  if (baseUrl === undefined) {
    throw refuse(
      `parseAuthorizationRedirect got a redirect that is not an absolute URL (a request path needs the app's base URL); ${HOW_TO_CALL}.`,
    );
  }
  if (!URL.canParse(redirect, String(baseUrl)))
    throw refuse(`parseAuthorizationRedirect: the redirect is not a URL or a request path; ${HOW_TO_CALL}.`);
  return new URL(redirect, baseUrl);
}

/**
 * Reads the redirect Zoho sent the browser to (`redirect_uri?code=…&location=…&accounts-server=…`): an absolute
 * URL (a string or URL), or a request path as servers hand it over (`request.url` in node:http and Express) with
 * the app's `baseUrl`. Anything else, an `error` parameter (the user denied access) or a missing code is an
 * INVALID_ARGUMENT. The `accountsServer` it returns is what the redirect says, so it can be forged:
 * `TokenManager.exchangeGrant` sends nothing to a server it does not know (`isKnownAccountsServer`).
 */
export function parseAuthorizationRedirect(redirect: string | URL, options: ParseAuthorizationRedirectOptions = {}): AuthorizationRedirect {
  const url = redirectUrlOf(redirect, options);
  const denied = url.searchParams.get('error');
  if (denied !== null) {
    throw refuse('The authorization redirect carries an error (the user denied access?); ask the user to authorize again.');
  }
  const code = url.searchParams.get('code');
  if (!code) throw refuse('The authorization redirect has no "code" parameter.');
  const location = url.searchParams.get('location');
  return {
    code,
    state: url.searchParams.get('state'),
    location: isDataCenterCode(location) ? location : null,
    accountsServer: url.searchParams.get('accounts-server'),
  };
}
