import { parseHttpUrl } from '../config/http-url.js';
import { ErrorCode } from '../errors/codes.js';
import { AccountsError } from './accounts-error.js';
import { customEnvironment, type Environment } from './data-centers.js';
import type { AuthorizationScheme, ClientAuthentication } from './oauth-server.js';

export interface DiscoverEnvironmentOptions {
  /** Where the APIs the tokens are for live (metadata does not say). */
  readonly apiDomain: string;
  /** Default `Bearer`. */
  readonly authorizationScheme?: AuthorizationScheme;
  /** Default: `client_secret_basic` when the server lists it (every server must support it, RFC 6749 §2.3.1), else `client_secret_post`. */
  readonly clientAuthentication?: ClientAuthentication;
  /** The fetch implementation (default: the global `fetch`). */
  readonly fetch?: typeof fetch;
  readonly signal?: AbortSignal;
}

// RFC 8414 §3 first, then OpenID Connect Discovery 1.0 §4.
const WELL_KNOWN = ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration'];

const protocol = (message: string): AccountsError =>
  new AccountsError(ErrorCode.ACCOUNTS_PROTOCOL, message, { status: null, oauthError: null });

/**
 * An Environment for a standard OAuth 2.0 server, from its metadata: the token and revocation endpoints and a
 * client authentication the server lists. The metadata's `issuer` must be
 * the issuer asked for (RFC 8414 §3.3), so a redirected or spoofed document is refused.
 */
export async function discoverEnvironment(issuer: string, options: DiscoverEnvironmentOptions): Promise<Environment> {
  const base = parseHttpUrl('issuer', issuer);
  const wanted = base.href.replace(/\/$/, '');
  const fetchImpl = options.fetch ?? fetch;
  let metadata: Record<string, unknown> | null = null;
  for (const path of WELL_KNOWN) {
    const url = new URL(base.origin + path + base.pathname.replace(/\/$/, '').replace(/^\/$/, ''));
    let response: Response;
    try {
      response = await fetchImpl(url, {
        headers: { accept: 'application/json' },
        redirect: 'error',
        signal: options.signal ?? AbortSignal.timeout(10_000),
      });
    } catch {
      throw new AccountsError(
        ErrorCode.ACCOUNTS_UNAVAILABLE,
        `The server's metadata could not be fetched from ${url.origin}; check the issuer URL and that the server is up.`,
        {
          status: null,
          oauthError: null,
        },
      );
    }
    if (response.status === 404) continue;
    const body: unknown = response.ok ? await response.json().catch(() => null) : null;
    if (typeof body !== 'object' || body === null)
      throw protocol(`${url.href} answered HTTP ${response.status} without a metadata document.`);
    metadata = body as Record<string, unknown>;
    break;
  }
  if (metadata === null)
    throw protocol(`${base.origin} publishes no OAuth 2.0 or OpenID metadata (.well-known); name its endpoints with customEnvironment().`);
  if (typeof metadata.issuer !== 'string' || metadata.issuer.replace(/\/$/, '') !== wanted) {
    throw protocol(`The metadata names another issuer than ${wanted}; use the issuer the server names itself by.`);
  }
  if (typeof metadata.token_endpoint !== 'string') throw protocol('The metadata names no token_endpoint.');
  const methods = Array.isArray(metadata.token_endpoint_auth_methods_supported)
    ? metadata.token_endpoint_auth_methods_supported
    : ['client_secret_basic'];
  // RFC 8414: when the list is absent the default is client_secret_basic.
  const clientAuthentication: ClientAuthentication =
    options.clientAuthentication ?? (methods.includes('client_secret_basic') ? 'client_secret_basic' : 'client_secret_post');
  if (!methods.includes(clientAuthentication))
    throw protocol(`The server does not list ${clientAuthentication} for its token endpoint; pass the clientAuthentication it takes.`);
  return customEnvironment({
    accountsUrl: wanted,
    apiDomain: options.apiDomain,
    tokenEndpoint: metadata.token_endpoint,
    revocationEndpoint: typeof metadata.revocation_endpoint === 'string' ? metadata.revocation_endpoint : null,
    clientAuthentication,
    authorizationScheme: options.authorizationScheme ?? 'Bearer',
  });
}
