import { ErrorCode } from '../errors/codes.js';
import { TokenArgumentError, TokenStoreError } from '../errors/token-store-error.js';
import type { TokenCredentials } from './token-cache.js';
import type { TokenSelector } from './token-selector.js';

/** A path relative to the token's API domain (`/crm/v8/Leads`), or an absolute URL on that domain. */
export type FetchInput = string | URL;

/** What the fetch needs from the token manager. */
export interface CredentialSource {
  credentials(selector?: TokenSelector, options?: { readonly signal?: AbortSignal }): Promise<TokenCredentials>;
  reportInvalidToken(accessToken: string): void;
}

const ABSOLUTE = /^[a-z][a-z0-9+.-]*:/i;

function urlFor(input: FetchInput, apiDomain: string): URL {
  const base = new URL(apiDomain.endsWith('/') ? apiDomain : `${apiDomain}/`);
  if (input instanceof URL || ABSOLUTE.test(input)) {
    const url = new URL(input);
    // The access token goes to the token's own API domain only, never to a host a caller or a response named.
    if (url.origin !== base.origin) {
      throw new TokenArgumentError(
        ErrorCode.INVALID_ARGUMENT,
        "The URL is not on the token's API domain; pass a path such as /crm/v8/Leads (the token is never sent to another host).",
      );
    }
    return url;
  }
  return new URL(input.replace(/^\/+/, ''), base);
}

async function isInvalidToken(response: Response): Promise<boolean> {
  if (response.status !== 401) return false;
  // RFC 6750 §3: a Bearer API says so in its challenge.
  if (/^\s*Bearer\b.*\berror="?invalid_token"?/i.test(response.headers.get('www-authenticate') ?? '')) return true;
  try {
    const body = (await response.clone().json()) as { code?: unknown } | null;
    return body?.code === 'INVALID_TOKEN';
  } catch {
    return false;
  }
}

function send(fetchImpl: typeof fetch, credentials: TokenCredentials, input: FetchInput, init: RequestInit): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('Authorization', `${credentials.authorizationScheme} ${credentials.accessToken}`);
  return fetchImpl(urlFor(input, credentials.apiDomain), { ...init, headers });
}

/**
 * One API call with a valid token; on 401 INVALID_TOKEN (expired early, evicted, revoked and re-authorized) the
 * token is reported, renewed once and the call retried once. A second INVALID_TOKEN throws API_UNAUTHORIZED.
 * Any other answer, 401s with other codes included, is returned as it is, as `fetch` does.
 */
export async function authenticatedFetch(
  source: CredentialSource,
  fetchImpl: typeof fetch,
  selector: TokenSelector | undefined,
  input: FetchInput,
  init: RequestInit = {},
): Promise<Response> {
  // The request's own signal is the caller's deadline for getting a token too.
  const deadline = init.signal ? { signal: init.signal } : undefined;
  const first = await source.credentials(selector, deadline);
  const response = await send(fetchImpl, first, input, init);
  // A streamed body cannot be sent twice: such a request gets no retry.
  if (init.body instanceof ReadableStream || !(await isInvalidToken(response))) return response;
  await response.body?.cancel();
  source.reportInvalidToken(first.accessToken);
  const renewed = await source.credentials(selector, deadline);
  const retried = await send(fetchImpl, renewed, input, init);
  if (!(await isInvalidToken(retried))) return retried;
  await retried.body?.cancel();
  source.reportInvalidToken(renewed.accessToken);
  throw new TokenStoreError(
    ErrorCode.API_UNAUTHORIZED,
    `Zoho refused token ${renewed.tokenId} again after a refresh (401 INVALID_TOKEN); check its data center and scopes, or authorize the user again.`,
  );
}
