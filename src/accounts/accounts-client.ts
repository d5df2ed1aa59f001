import { checkClock, checkFetch, checkLogger, checkOptionNames } from '../config/option-shapes.js';
import { ErrorCode } from '../errors/codes.js';
import { TokenStoreError } from '../errors/token-store-error.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import { systemClock, type Clock } from '../time/clock.js';
import { sleep } from '../time/sleep.js';
import { AccountsError } from './accounts-error.js';
import { errorFromBody, type AccountsOperation } from './error-body.js';
import { basicCredentials, type OAuthServer } from './oauth-server.js';
import { backoffDelayMs, retryPolicyOf, type RetryPolicy } from './retry-policy.js';
import { parseTokenResponse, type TokenGrant } from './token-response.js';

export interface AccountsClientOptions {
  /** Retries of transient failures; see `RetryPolicy` for the defaults. */
  retry?: Partial<RetryPolicy>;
  /** The clock expiry times are computed from (default: the system clock). */
  clock?: Clock;
  logger?: Logger;
  /** The fetch implementation (default: the global `fetch`). */
  fetch?: typeof fetch;
}

export interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
  /** A standard OAuth 2.0 server's endpoints and client authentication (`oauthServerOf(environment)`); default Zoho's. */
  readonly server?: OAuthServer;
}

export interface GrantExchange extends ClientCredentials {
  /** The accounts server that must exchange the code: the authorize redirect's `accounts-server`. */
  readonly accountsUrl: string;
  readonly code: string;
  /** The registered redirect URI (omit for a self-client code). */
  readonly redirectUri?: string | null;
  /** The PKCE verifier, when the authorize request sent a challenge. */
  readonly codeVerifier?: string | null;
}

export interface RefreshRequest extends ClientCredentials {
  readonly accountsUrl: string;
  readonly refreshToken: string;
}

export interface RequestOptions {
  readonly signal?: AbortSignal;
  /**
   * False for a request that must not be sent twice: a refresh to a server that rotates refresh tokens, where a
   * second send of a token the server already used is a reuse (many servers then revoke the grant). Such a request is
   * retried only after a failure that proves it never reached the server (the connection was refused, the host not
   * found); after a timeout or a reset it fails with ACCOUNTS_UNAVAILABLE and `outcomeUnknown`. Default true.
   */
  readonly replayable?: boolean;
  /**
   * Asked before every try, retries included: resolves to null to send, or to the ms to wait when the caller's budget
   * of requests is spent (then nothing is sent: THROTTLED with `retryAfterMs`). How TokenManager keeps within Zoho's
   * 10 access tokens per refresh token per 10 minutes.
   */
  readonly budget?: { take(): number | null };
  /**
   * Told about every try that was sent, retries included, once it ended: what the lifecycle's events and the
   * OpenTelemetry spans of accounts requests are built from. It carries no URL query, header or body.
   */
  readonly onAttempt?: (attempt: AccountsAttempt) => void;
}

/** One try of an accounts request, as `RequestOptions.onAttempt` reports it: no secret, no body, no query. */
export interface AccountsAttempt {
  readonly method: 'GET' | 'POST';
  /** The server's host name and port, and the URL's scheme. */
  readonly serverAddress: string;
  readonly serverPort: number;
  readonly scheme: 'http' | 'https';
  /** The HTTP status, or null when no answer came (a timeout, a refused connection). */
  readonly statusCode: number | null;
  /** 0 for the first try, 1 for the first retry… */
  readonly resendCount: number;
  /** Epoch ms (from `performance`, not the clock option) when the try was sent, and how long it took. */
  readonly startedAt: number;
  readonly durationMs: number;
  /** Why the try failed: the socket error code, `timeout`, or the HTTP status for 5xx; null when it was answered. */
  readonly errorType: string | null;
}

// Failures of the connection itself: the request was never written, so sending it again cannot be a second send.
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

const neverSent = (error: unknown): boolean => NEVER_SENT.has(networkCode(error) ?? '');

/**
 * The socket or undici error code of a failed fetch, wherever it is: Node's fetch throws `TypeError: fetch failed`
 * with the real error in `cause` (`ECONNREFUSED`, `UND_ERR_CONNECT_TIMEOUT`…), at times one level deeper or in the
 * `errors` of an AggregateError (every address of a host refused). Null when none carries a code.
 */
function networkCode(error: unknown): string | null {
  const queue: unknown[] = [error];
  const seen = new Set<unknown>();
  while (queue.length > 0 && seen.size < 20) {
    const next = queue.shift();
    if (typeof next !== 'object' || next === null || seen.has(next)) continue;
    seen.add(next);
    const { code, cause, errors } = next as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code)) return code;
    queue.push(cause);
    if (Array.isArray(errors)) queue.push(...errors);
  }
  return null;
}
/** The CRM user an access token belongs to (`GET /crm/v8/users?type=CurrentUser`). */
export interface CurrentUser {
  readonly id: string;
  readonly email: string;
  readonly fullName: string | null;
}

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown> | null;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Why a try failed, in words safe to log (an HTTP status or a socket error code, never a URL or a body). */
function reasonOf(error: unknown): string {
  const err = error as { name?: unknown; cause?: { name?: unknown; message?: unknown } } | null;
  if (err?.name === 'TimeoutError' || err?.cause?.name === 'TimeoutError') return 'timeout';
  const code = networkCode(error);
  if (code !== null) return code;
  // fetch refuses ports of well-known services (1, 25, 6000…) before connecting: undici says only "bad port".
  if (err?.cause?.message === 'bad port') return 'bad port (fetch does not connect to this port; use another)';
  const name = err?.cause?.name ?? err?.name;
  return typeof name === 'string' && name !== '' ? name : 'network error';
}

class TransientAnswer extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

/**
 * The Zoho Accounts OAuth 2.0 client: code exchange, refresh, revoke, current user. Parameters go in an urlencoded
 * body (never the URL, where proxies log them). Every Zoho error body becomes a typed `AccountsError`; transient
 * failures are retried with bounded exponential backoff and jitter and end, at worst, in ACCOUNTS_UNAVAILABLE —
 * never in "token invalid". It works with any standard OAuth 2.0 server too (errors sent as HTTP 400/401,
 * rotating refresh tokens).
 */
export class AccountsClient {
  readonly #retry: RetryPolicy;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #fetch: typeof fetch;

  constructor(options: AccountsClientOptions = {}) {
    checkOptionNames('AccountsClient options', options, ['retry', 'clock', 'logger', 'fetch']);
    if (options.clock !== undefined) checkClock('AccountsClient option "clock"', options.clock);
    if (options.logger !== undefined) checkLogger('AccountsClient option "logger"', options.logger);
    if (options.fetch !== undefined) checkFetch('AccountsClient option "fetch"', options.fetch);
    this.#retry = retryPolicyOf(options.retry);
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  get retryPolicy(): RetryPolicy {
    return this.#retry;
  }

  /** Exchanges a grant code (`grant_type=authorization_code`) for an access token and a refresh token. */
  exchangeGrant(request: GrantExchange, options: RequestOptions = {}): Promise<TokenGrant> {
    const params = new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: request.clientId,
      client_secret: request.clientSecret,
      code: request.code,
    });
    if (request.redirectUri) params.set('redirect_uri', request.redirectUri);
    if (request.codeVerifier) params.set('code_verifier', request.codeVerifier);
    return this.#tokenRequest('exchange a grant code', request, params, options);
  }

  /** Gets a new access token with a refresh token (`grant_type=refresh_token`). */
  refresh(request: RefreshRequest, options: RequestOptions = {}): Promise<TokenGrant> {
    const params = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: request.clientId,
      client_secret: request.clientSecret,
      refresh_token: request.refreshToken,
    });
    return this.#tokenRequest('refresh an access token', request, params, options);
  }

  /**
   * Revokes a refresh token (and every access token made from it). Resolves to `true` when the server revoked it,
   * `false` when it did not know the token (already revoked: HTTP 400), so a retried revoke is safe.
   */
  async revoke(
    request: { accountsUrl: string; refreshToken: string; client?: ClientCredentials },
    options: RequestOptions = {},
  ): Promise<boolean> {
    const operation: AccountsOperation = 'revoke a refresh token';
    const server = request.client?.server;
    let url: URL;
    let init: RequestInit;
    if (server && !server.zohoRevocation) {
      if (server.revocationUrl === null) return false;
      // RFC 7009: the token and a hint in a form body, with the client's authentication.
      const body = new URLSearchParams({ token: request.refreshToken, token_type_hint: 'refresh_token' });
      url = new URL(server.revocationUrl);
      init = { method: 'POST', ...this.#authenticated(body, request.client as ClientCredentials) };
    } else {
      url = endpoint(request.accountsUrl, '/oauth/v2/token/revoke');
      init = { method: 'POST', body: new URLSearchParams({ token: request.refreshToken }) };
    }
    const answer = await this.#send(operation, url, init, options);
    if (answer.status === 400) return false;
    const refused = answer.body ? errorFromBody(operation, answer.body, answer.status, answer.headers) : null;
    if (refused) throw refused;
    if (answer.status >= 200 && answer.status < 300) return true;
    throw this.#unexpected(operation, answer.status);
  }

  /** The CRM user of an access token, from `{apiDomain}/crm/v8/users?type=CurrentUser`. */
  async currentUser(request: { apiDomain: string; accessToken: string }, options: RequestOptions = {}): Promise<CurrentUser> {
    const operation: AccountsOperation = 'read the current user';
    const url = endpoint(request.apiDomain, '/crm/v8/users');
    url.searchParams.set('type', 'CurrentUser');
    const headers = { Authorization: `Zoho-oauthtoken ${request.accessToken}` };
    const answer = await this.#send(operation, url, { method: 'GET', headers }, options);
    if (answer.status === 401) {
      throw new AccountsError(
        ErrorCode.API_UNAUTHORIZED,
        'Zoho refused the access token to read the current user (HTTP 401); refresh it and try again.',
        {
          status: 401,
          oauthError: typeof answer.body?.code === 'string' ? answer.body.code : null,
        },
      );
    }
    const users = answer.body?.users;
    const user: unknown = Array.isArray(users) ? users[0] : undefined;
    if (answer.status !== 200 || !isRecord(user) || typeof user.email !== 'string' || user.email === '') {
      throw this.#unexpected(operation, answer.status);
    }
    return { id: String(user.id ?? ''), email: user.email, fullName: typeof user.full_name === 'string' ? user.full_name : null };
  }

  async #tokenRequest(
    operation: AccountsOperation,
    request: ClientCredentials & { readonly accountsUrl: string },
    params: URLSearchParams,
    options: RequestOptions,
  ): Promise<TokenGrant> {
    const url = request.server ? new URL(request.server.tokenUrl) : endpoint(request.accountsUrl, '/oauth/v2/token');
    const sentAt = this.#clock.now();
    const answer = await this.#send(operation, url, { method: 'POST', ...this.#authenticated(params, request) }, options);
    if (answer.body) {
      const refused = errorFromBody(operation, answer.body, answer.status, answer.headers);
      if (refused) throw refused;
    }
    if (answer.status === 429) {
      const refused = errorFromBody(operation, { error: 'Access Denied' }, answer.status, answer.headers);
      if (refused) throw refused;
    }
    if (answer.status !== 200 || !answer.body) throw this.#unexpected(operation, answer.status);
    return parseTokenResponse(answer.body, sentAt);
  }

  /** The body (and header) of a token or revocation request with the client authentication the server takes. */
  #authenticated(params: URLSearchParams, client: ClientCredentials): { body: URLSearchParams; headers?: Record<string, string> } {
    if (client.server?.clientAuthentication !== 'client_secret_basic') {
      params.set('client_id', client.clientId);
      params.set('client_secret', client.clientSecret);
      return { body: params };
    }
    params.delete('client_id');
    params.delete('client_secret');
    return { body: params, headers: { Authorization: basicCredentials(client.clientId, client.clientSecret) } };
  }

  /** One request with the retries: resolves to the first non-transient answer, or throws ACCOUNTS_UNAVAILABLE. */
  async #send(operation: AccountsOperation, url: URL, init: RequestInit, options: RequestOptions): Promise<Answer> {
    const policy = this.#retry;
    let lastError: unknown = null;
    for (let attempt = 1; attempt <= policy.attempts; attempt += 1) {
      if (attempt > 1) {
        if (options.replayable === false && !neverSent(lastError)) throw this.#outcomeUnknown(operation, lastError, attempt - 1);
        const delayMs = backoffDelayMs(policy, attempt - 1);
        this.#logger.warn('accounts request failed; retrying', { operation, attempt: attempt - 1, reason: reasonOf(lastError), delayMs });
        await sleep(delayMs, options.signal);
      }
      const waitMs = options.budget?.take() ?? null;
      if (waitMs !== null) throw spentBudget(operation, waitMs, lastError);
      const started = performance.now();
      const timeout = AbortSignal.timeout(policy.timeoutMs);
      const signal = options.signal ? anySignal(options.signal, timeout) : timeout;
      let status: number | null = null;
      try {
        const response = await this.#fetch(url, { ...init, signal, redirect: 'manual' });
        status = response.status;
        const text = await response.text();
        const durationMs = Math.round(performance.now() - started);
        this.#logger.debug('accounts request', { operation, attempt, status: response.status, durationMs });
        if (response.status >= 500) throw new TransientAnswer(response.status);
        options.onAttempt?.(attemptOf(url, init, attempt, started, status, null));
        return { status: response.status, headers: response.headers, body: parseJson(text) };
      } catch (error) {
        options.onAttempt?.(attemptOf(url, init, attempt, started, status, status === null ? reasonOf(error) : String(status)));
        if (options.signal?.aborted) throw options.signal.reason;
        lastError = error;
      }
    }
    if (options.replayable === false && !neverSent(lastError)) throw this.#outcomeUnknown(operation, lastError, policy.attempts);
    const status = lastError instanceof TransientAnswer ? lastError.status : null;
    const last = status === null ? reasonOf(lastError) : `HTTP ${status}`;
    this.#logger.error('accounts server unavailable', { operation, attempts: policy.attempts, reason: last });
    throw new AccountsError(
      ErrorCode.ACCOUNTS_UNAVAILABLE,
      `The accounts server did not answer to ${operation} after ${policy.attempts} tries (last: ${last}); nothing was changed, try again later.`,
      { cause: lastError, status },
    );
  }

  /** A request that may have reached the server and must not be sent again (see `RequestOptions.replayable`). */
  #outcomeUnknown(operation: AccountsOperation, lastError: unknown, tries: number): AccountsError {
    const status = lastError instanceof TransientAnswer ? lastError.status : null;
    const last = status === null ? reasonOf(lastError) : `HTTP ${status}`;
    this.#logger.error('accounts request may have been processed; not sent again', { operation, attempts: tries, reason: last });
    return new AccountsError(
      ErrorCode.ACCOUNTS_UNAVAILABLE,
      `The accounts server did not answer to ${operation} (last: ${last}), and it may have processed the request: this server ` +
        'rotates refresh tokens, so the same one is not sent again automatically. The next call tries once more; if the server ' +
        'had used it, the user must authorize the app again.',
      { cause: lastError, status, outcomeUnknown: true },
    );
  }

  #unexpected(operation: AccountsOperation, status: number): AccountsError {
    return new AccountsError(
      ErrorCode.ACCOUNTS_PROTOCOL,
      `The server answered HTTP ${status} with a body this library cannot read, to ${operation}; check the accounts URL or API domain.`,
      { status },
    );
  }
}

/** What `onAttempt` is told about one try. */
function attemptOf(
  url: URL,
  init: RequestInit,
  attempt: number,
  started: number,
  statusCode: number | null,
  errorType: string | null,
): AccountsAttempt {
  const scheme = url.protocol === 'http:' ? 'http' : 'https';
  return {
    method: init.method === 'GET' ? 'GET' : 'POST',
    serverAddress: url.hostname,
    serverPort: url.port === '' ? (scheme === 'http' ? 80 : 443) : Number(url.port),
    scheme,
    statusCode,
    resendCount: attempt - 1,
    startedAt: performance.timeOrigin + started,
    durationMs: performance.now() - started,
    errorType,
  };
}

/** Aborts when either aborts (`AbortSignal.any` arrived in Node 20.3; older 20.x get the same by hand). */
function anySignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  if (typeof AbortSignal.any === 'function') return AbortSignal.any([a, b]);
  const controller = new AbortController();
  const abort = (source: AbortSignal) => () => controller.abort(source.reason);
  if (a.aborted || b.aborted) controller.abort((a.aborted ? a : b).reason);
  a.addEventListener('abort', abort(a), { once: true });
  b.addEventListener('abort', abort(b), { once: true });
  return controller.signal;
}

function parseJson(text: string): Record<string, unknown> | null {
  if (text.trim() === '') return null;
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : null;
  } catch {
    return null;
  }
}

function endpoint(base: string, path: string): URL {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new TokenStoreError(ErrorCode.INVALID_CONFIG, 'The accounts URL or API domain must be an absolute http(s) URL.');
  }
  url.pathname = url.pathname.replace(/\/$/, '') + path;
  return url;
}

/** THROTTLED without a request: the caller's budget of requests (Zoho's per-refresh-token limit) is spent. */
function spentBudget(operation: AccountsOperation, waitMs: number, lastError: unknown): AccountsError {
  return new AccountsError(
    ErrorCode.THROTTLED,
    `Not sent, to ${operation}: this token has used its budget of requests to the accounts server (Zoho allows 10 access tokens per refresh token in 10 minutes); try again after error.retryAfterMs.`,
    { retryAfterMs: waitMs, cause: lastError ?? undefined },
  );
}
