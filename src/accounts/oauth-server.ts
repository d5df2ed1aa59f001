import { parseHttpUrl } from '../config/http-url.js';
import { ErrorCode } from '../errors/codes.js';
import { TokenStoreError } from '../errors/token-store-error.js';

/** How the client proves itself at the token endpoint (RFC 6749 §2.3.1): form fields, or HTTP Basic. */
export type ClientAuthentication = 'client_secret_post' | 'client_secret_basic';

/** The `Authorization` scheme API calls carry: Zoho's own, or RFC 6750's. */
export type AuthorizationScheme = 'Zoho-oauthtoken' | 'Bearer';

/** Where and how to talk to an OAuth 2.0 server: resolved from an Environment by `oauthServerOf`. */
export interface OAuthServer {
  readonly tokenUrl: string;
  /** RFC 7009 revocation endpoint; null when the server has none. */
  readonly revocationUrl: string | null;
  readonly clientAuthentication: ClientAuthentication;
  readonly authorizationScheme: AuthorizationScheme;
  /** Zoho's revoke takes only `?token=`; a standard one takes a form body with the client's authentication. */
  readonly zohoRevocation: boolean;
  /**
   * Whether a refresh may answer a new refresh token and retire the one sent (RFC 6749 §6): then a refresh is not
   * idempotent, and one that may have reached the server is never sent again blindly. Zoho never rotates.
   */
  readonly rotatesRefreshTokens: boolean;
}

/** Whether a server may rotate refresh tokens: `never` (Zoho), or `possible` (most standard servers can). */
export type RefreshTokenRotation = 'never' | 'possible';

/** The endpoint settings an Environment may carry; absent ones are Zoho's. */
export interface OAuthServerSettings {
  /** Absolute URL, or a path on the accounts URL (default Zoho's `/oauth/v2/token`). */
  readonly tokenEndpoint?: string;
  /** Absolute URL, or a path on the accounts URL (default Zoho's `/oauth/v2/token/revoke`); `null`: none. */
  readonly revocationEndpoint?: string | null;
  /** Default `client_secret_post`. */
  readonly clientAuthentication?: ClientAuthentication;
  /** Default `Zoho-oauthtoken` on Zoho-shaped servers, `Bearer` once a token endpoint is named. */
  readonly authorizationScheme?: AuthorizationScheme;
  /** Default `never` on Zoho-shaped servers, `possible` once a token endpoint is named (see OAuthServer). */
  readonly refreshTokenRotation?: RefreshTokenRotation;
}

const ZOHO_TOKEN_PATH = '/oauth/v2/token';
const ZOHO_REVOKE_PATH = '/oauth/v2/token/revoke';
const invalid = (message: string): TokenStoreError => new TokenStoreError(ErrorCode.INVALID_CONFIG, message);

/** Checks the settings and turns paths into absolute URLs on `accountsUrl`; the frozen result goes on the Environment. */
export function resolveServerSettings(accountsUrl: string, settings: OAuthServerSettings): Required<OAuthServerSettings> {
  const { clientAuthentication = 'client_secret_post' } = settings;
  if (clientAuthentication !== 'client_secret_post' && clientAuthentication !== 'client_secret_basic') {
    throw invalid("clientAuthentication must be 'client_secret_post' or 'client_secret_basic'.");
  }
  const named = settings.tokenEndpoint !== undefined;
  const refreshTokenRotation = settings.refreshTokenRotation ?? (named ? 'possible' : 'never');
  if (refreshTokenRotation !== 'never' && refreshTokenRotation !== 'possible') {
    throw invalid("refreshTokenRotation must be 'never' or 'possible'.");
  }
  const authorizationScheme = settings.authorizationScheme ?? (named ? 'Bearer' : 'Zoho-oauthtoken');
  if (authorizationScheme !== 'Bearer' && authorizationScheme !== 'Zoho-oauthtoken') {
    throw invalid("authorizationScheme must be 'Bearer' or 'Zoho-oauthtoken'.");
  }
  const at = (what: string, value: string): string => {
    if (typeof value !== 'string' || value === '') throw invalid(`${what} must be a URL or a path such as /oauth/token.`);
    const url = value.startsWith('/') ? new URL(accountsUrl.replace(/\/$/, '') + value) : parseHttpUrl(what, value);
    return url.href;
  };
  // A server named by its token endpoint has no Zoho revoke path: it has the revocation endpoint it names, or none.
  const revocation = settings.revocationEndpoint === undefined ? (named ? null : ZOHO_REVOKE_PATH) : settings.revocationEndpoint;
  return Object.freeze({
    tokenEndpoint: at('tokenEndpoint', settings.tokenEndpoint ?? ZOHO_TOKEN_PATH),
    revocationEndpoint: revocation === null ? null : at('revocationEndpoint', revocation),
    clientAuthentication,
    authorizationScheme,
    refreshTokenRotation,
  });
}

type ServerEnvironment = { readonly accountsUrl: string } & OAuthServerSettings;

// Environments are frozen: each is resolved once, not on every refresh and every cache fill.
const resolvedServers = new WeakMap<ServerEnvironment, OAuthServer>();

/** The server of an environment: its own settings, else Zoho's endpoints on its accounts URL. */
export function oauthServerOf(environment: ServerEnvironment): OAuthServer {
  let server = resolvedServers.get(environment);
  if (server === undefined) {
    const resolved = resolveServerSettings(environment.accountsUrl, environment);
    server = Object.freeze({
      tokenUrl: resolved.tokenEndpoint,
      revocationUrl: resolved.revocationEndpoint,
      clientAuthentication: resolved.clientAuthentication,
      authorizationScheme: resolved.authorizationScheme,
      zohoRevocation: environment.revocationEndpoint === undefined,
      rotatesRefreshTokens: resolved.refreshTokenRotation === 'possible',
    });
    if (Object.isFrozen(environment)) resolvedServers.set(environment, server);
  }
  return server;
}

/** RFC 6749 §2.3.1: each part form-urlencoded, then `id:secret` in base64. */
export function basicCredentials(clientId: string, clientSecret: string): string {
  const encode = (text: string): string => new URLSearchParams({ v: text }).toString().slice(2);
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}
