import { AccountsClient } from '../accounts/accounts-client.js';
import { checkEnvironment, zohoEnvironment, type Environment } from '../accounts/data-centers.js';
import { parseHttpUrl } from '../config/http-url.js';
import { checkClock, checkFetch, checkLogger, checkOptionNames, hasMethods, MAX_TIMER_MS } from '../config/option-shapes.js';
import { describeUnknown, nearMiss } from '../config/unknown-options.js';
import { retryPolicyOf, type RetryPolicy } from '../accounts/retry-policy.js';
import type { TokenStore } from '../contract/token-store.js';
import { ErrorCode } from '../errors/codes.js';
import { TokenStoreError } from '../errors/token-store-error.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import { LazyTokenStore } from '../kernel/lazy-token-store.js';
import { systemClock, type Clock } from '../time/clock.js';
import { OAuthToken } from '../token/oauth-token.js';
import { ZOHO_REFRESH_BUDGET, type RefreshBudgetOptions } from './refresh-budget.js';
import type { TelemetryOptions } from './telemetry/otel-api.js';

/** Client credentials for tokens that do not carry their own (the official SDK keeps them on every token). */
export interface OAuthClientConfig {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri?: string;
}

export interface TokenManagerOptions {
  /** Where tokens are exchanged and refreshed, unless a token's `api_domain` names another data center. Default: Zoho US production. */
  environment?: Environment;
  /** Further environments a token's `api_domain` may name (custom servers); every Zoho environment is known already. */
  environments?: readonly Environment[];
  /**
   * Any TokenStore. Default: SQLite on `./zohooauth.db` (needs the optional package better-sqlite3), opened on
   * first use and closed by `close()`. A store you pass is never closed.
   */
  store?: TokenStore;
  /** The token(s) this manager serves when asked by user, or without a selector when there is exactly one. */
  tokens?: OAuthToken | readonly OAuthToken[];
  /** Client credentials for tokens that carry none. */
  client?: OAuthClientConfig;
  /** Default: silent. Nothing secret is ever logged. */
  logger?: Logger;
  /** Default: the system clock. */
  clock?: Clock;
  /** Refresh when fewer than this many ms of the access token's life are left. Default 60,000 (see docs/lifecycle.md). */
  refreshMarginMs?: number;
  /** Re-read the store for a cached token at least this often, to notice changes made elsewhere. Default 60,000. */
  cacheMaxAgeMs?: number;
  /**
   * The cross-process refresh lock, when the store has one. `waitMs`: the longest a caller waits for another caller's
   * refresh (default 120,000; a caller's own AbortSignal may end it sooner). `leaseMs`: how soon a holder that died
   * or froze is noticed (default 15,000). `keepAliveMs`: how long a live holder's heartbeat may keep the lock
   * (default 300,000, more than a refresh with every retry takes). See docs/lifecycle.md, "The bad day".
   */
  refreshLock?: { waitMs?: number; leaseMs?: number; keepAliveMs?: number };
  /**
   * Refresh requests one refresh token may send per window, retries included, to a server that does not rotate
   * refresh tokens (Zoho): default Zoho's 10 per 10 minutes, so the library itself never trips Zoho's limit. `false`
   * turns the count off.
   */
  refreshBudget?: Partial<RefreshBudgetOptions> | false;
  /** Retries of transient accounts failures (checked, but not used, when `accounts` is given). */
  retry?: Partial<RetryPolicy>;
  /** A ready accounts client (to share one, or to give it another fetch). */
  accounts?: AccountsClient;
  /** The fetch implementation for API calls and the default accounts client. */
  fetch?: typeof fetch;
  /**
   * OpenTelemetry metrics and spans (docs/observability.md). Default: recorded through `@opentelemetry/api`'s global
   * providers when that package is installed (loaded at the first token request that misses the cache; nothing is
   * loaded when it is not installed). `false`: none. `{ api, meterProvider?, tracerProvider? }`: through these.
   */
  telemetry?: false | TelemetryOptions;
}

export interface TokenManagerConfig {
  readonly environment: Environment;
  readonly environments: readonly Environment[];
  readonly store: TokenStore;
  readonly ownsStore: boolean;
  readonly tokens: readonly OAuthToken[];
  readonly client: OAuthClientConfig | null;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly refreshMarginMs: number;
  readonly cacheMaxAgeMs: number;
  readonly lockWaitMs: number;
  readonly lockLeaseMs: number;
  readonly lockKeepAliveMs: number;
  readonly refreshBudget: RefreshBudgetOptions | null;
  readonly accounts: AccountsClient;
  readonly fetch: typeof fetch;
  readonly telemetry: 'auto' | false | TelemetryOptions;
}

// 60 s rather than the official 5 s: the token must still be valid when the API call reaches Zoho after request
// latency, retries with backoff (a few seconds) and clock skew between hosts; 60 s costs under 2% of a 1-hour token.
export const DEFAULT_REFRESH_MARGIN_MS = 60_000;
export const DEFAULT_CACHE_MAX_AGE_MS = 60_000;
// The lock's defaults follow from the bad day (docs/lifecycle.md): a caller waits for a live holder however slow the
// accounts server is (up to 2 minutes), a dead or frozen holder is noticed in 15 s, and a live holder's heartbeat may
// keep the lock for 5 minutes: more than a refresh takes with every retry at the default 60 s per try.
export const DEFAULT_LOCK_WAIT_MS = 120_000;
export const DEFAULT_LOCK_LEASE_MS = 15_000;
export const DEFAULT_LOCK_KEEP_ALIVE_MS = 300_000;

const invalid = (message: string): TokenStoreError => new TokenStoreError(ErrorCode.INVALID_CONFIG, message);

const KNOWN_OPTIONS = [
  'environment',
  'environments',
  'store',
  'tokens',
  'client',
  'logger',
  'clock',
  'refreshMarginMs',
  'cacheMaxAgeMs',
  'refreshLock',
  'refreshBudget',
  'retry',
  'accounts',
  'fetch',
  'telemetry',
];
const KNOWN_CLIENT = ['clientId', 'clientSecret', 'redirectUri'];
const CLIENT_ALIASES: Readonly<Record<string, string>> = {
  id: 'clientId',
  secret: 'clientSecret',
  redirectUrl: 'redirectUri',
  redirectURL: 'redirectUri',
  redirect_url: 'redirectUri',
  callbackUrl: 'redirectUri',
};
// The methods TokenManager calls on `accounts`.
const ACCOUNTS_METHODS = ['exchangeGrant', 'refresh', 'revoke', 'currentUser'];
const KNOWN_LOCK = ['waitMs', 'leaseMs', 'keepAliveMs'];
const KNOWN_BUDGET = ['requests', 'windowMs'];

function checkNames(what: string, value: unknown, known: readonly string[]): void {
  if (value !== undefined) checkOptionNames(what, value, known);
}

/**
 * `client`: non-empty clientId and clientSecret strings, an http(s) redirectUri. It may be a wider record (an app's
 * config, the emulator's client with its dataCenter), so a name it does not know is refused only when it looks like
 * one of the three (`redirectURI`, `client_id`, `secret`): those would otherwise be dropped in silence. Messages name
 * fields, never values.
 */
function checkClient(value: unknown): OAuthClientConfig | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value))
    throw invalid('TokenManager option "client" must be an object { clientId, clientSecret, redirectUri? }.');
  for (const name of Object.keys(value)) {
    if (KNOWN_CLIENT.includes(name)) continue;
    if (nearMiss(name, KNOWN_CLIENT, CLIENT_ALIASES) !== null) {
      throw invalid(`TokenManager option "client": ${describeUnknown(name, KNOWN_CLIENT, CLIENT_ALIASES)}`);
    }
  }
  const client = value as Partial<Record<keyof OAuthClientConfig, unknown>>;
  if (
    typeof client.clientId !== 'string' ||
    client.clientId === '' ||
    typeof client.clientSecret !== 'string' ||
    client.clientSecret === ''
  ) {
    throw invalid('client needs a non-empty clientId and clientSecret.');
  }
  // The redirect URI Zoho sends the user back to: http(s), no credentials, no spaces, no fragment (RFC 6749 3.1.2).
  if (client.redirectUri !== undefined) parseHttpUrl('TokenManager option client.redirectUri', client.redirectUri, { query: true });
  return value as OAuthClientConfig;
}

function duration(name: string, value: unknown, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw invalid(
      `${name} must be a whole number of milliseconds, at least ${min}${max === Number.MAX_SAFE_INTEGER ? '' : ` and at most ${max}`}.`,
    );
  }
  return value;
}

function checkEnvironments(value: unknown): readonly Environment[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    const one = typeof value === 'object' && value !== null && 'accountsUrl' in value;
    throw invalid(
      one
        ? 'TokenManager option "environments" must be an array: environments: [environment].'
        : 'TokenManager option "environments" must be an array of Environments, e.g. [zohoEnvironment(\'eu\'), customEnvironment({ accountsUrl, apiDomain })].',
    );
  }
  for (const [index, environment] of value.entries()) checkEnvironment(`TokenManager option "environments"[${index}]`, environment);
  return value;
}

function isStore(value: unknown): value is TokenStore {
  return hasMethods(value, ['findToken', 'saveToken', 'deleteToken', 'getTokens', 'deleteTokens', 'findTokenById']);
}

/** Validates the options once, fills the defaults and freezes the result; nothing is opened on failure. */
export function tokenManagerConfig(options: TokenManagerOptions = {}): TokenManagerConfig {
  if (typeof options !== 'object' || options === null) throw invalid('TokenManager options must be an object.');
  checkNames('TokenManager options', options, KNOWN_OPTIONS);
  checkNames('TokenManager option "refreshLock"', options.refreshLock, KNOWN_LOCK);
  if (options.refreshBudget !== false) checkNames('TokenManager option "refreshBudget"', options.refreshBudget, KNOWN_BUDGET);
  if (options.store !== undefined && !isStore(options.store)) throw invalid('store must implement the six TokenStore methods.');
  if (options.logger !== undefined) checkLogger('TokenManager option "logger"', options.logger);
  if (options.clock !== undefined) checkClock('TokenManager option "clock"', options.clock);
  if (options.fetch !== undefined) checkFetch('TokenManager option "fetch"', options.fetch);
  const tokens = options.tokens === undefined ? [] : Array.isArray(options.tokens) ? options.tokens : [options.tokens];
  if (!tokens.every((token: unknown) => token instanceof OAuthToken)) throw invalid('tokens must be OAuthToken instances.');
  const client = checkClient(options.client);
  const environment = options.environment === undefined ? zohoEnvironment('us') : options.environment;
  checkEnvironment('TokenManager option "environment"', environment);
  const environments = checkEnvironments(options.environments);
  // Checked even when `accounts` is given (then it is not used), so a misspelt retry is never ignored in silence.
  if (options.retry !== undefined) retryPolicyOf(options.retry);
  if (options.accounts !== undefined && !hasMethods(options.accounts, ACCOUNTS_METHODS)) {
    throw invalid(
      `TokenManager option "accounts" must be an AccountsClient (new AccountsClient({ retry, fetch }) from zoho-token-store/accounts), with the methods ${ACCOUNTS_METHODS.join(', ')}.`,
    );
  }
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const fetchImpl = options.fetch ?? ((input: string | URL | Request, init?: RequestInit) => fetch(input, init));
  const lock = options.refreshLock ?? {};
  const refreshMarginMs = duration('refreshMarginMs', options.refreshMarginMs, DEFAULT_REFRESH_MARGIN_MS);
  const cacheMaxAgeMs = duration('cacheMaxAgeMs', options.cacheMaxAgeMs, DEFAULT_CACHE_MAX_AGE_MS);
  // Lock durations become timers (waits, heartbeats): at most 2^31 − 1 ms, past which Node fires a timer at once.
  const lockWaitMs = duration('refreshLock.waitMs', lock.waitMs, DEFAULT_LOCK_WAIT_MS, 0, MAX_TIMER_MS);
  const lockLeaseMs = duration('refreshLock.leaseMs', lock.leaseMs, DEFAULT_LOCK_LEASE_MS, 1, MAX_TIMER_MS);
  const lockKeepAliveMs = duration('refreshLock.keepAliveMs', lock.keepAliveMs, DEFAULT_LOCK_KEEP_ALIVE_MS, 0, MAX_TIMER_MS);
  const budget = options.refreshBudget === false ? null : (options.refreshBudget ?? {});
  const refreshBudget =
    budget === null
      ? null
      : Object.freeze({
          requests: duration('refreshBudget.requests', budget.requests, ZOHO_REFRESH_BUDGET.requests, 1),
          windowMs: duration('refreshBudget.windowMs', budget.windowMs, ZOHO_REFRESH_BUDGET.windowMs, 1),
        });
  const telemetry = telemetryOption(options.telemetry);
  const accounts = options.accounts ?? new AccountsClient({ retry: options.retry, clock, logger, fetch: fetchImpl });
  const config: TokenManagerConfig = {
    environment,
    environments: Object.freeze([environment, ...environments]),
    store: options.store ?? defaultStore(),
    ownsStore: options.store === undefined,
    tokens: Object.freeze(tokens.map((token) => token.clone())),
    client: client && Object.freeze({ ...client }),
    logger,
    clock,
    refreshMarginMs,
    cacheMaxAgeMs,
    lockWaitMs,
    lockLeaseMs,
    lockKeepAliveMs,
    refreshBudget,
    accounts,
    fetch: fetchImpl,
    telemetry,
  };
  return Object.freeze(config);
}

function telemetryOption(value: TokenManagerOptions['telemetry']): TokenManagerConfig['telemetry'] {
  if (value === undefined) return 'auto';
  if (value === false) return false;
  const api = (value as Partial<TelemetryOptions> | null)?.api;
  if (
    typeof api?.metrics?.getMeterProvider !== 'function' ||
    typeof api.trace?.getTracerProvider !== 'function' ||
    typeof api.context?.active !== 'function'
  ) {
    throw invalid(
      'telemetry must be false or { api }, with api the module namespace of @opentelemetry/api (import * as api of the package).',
    );
  }
  checkNames('TokenManager option "telemetry"', value, ['api', 'meterProvider', 'tracerProvider']);
  return Object.freeze({ ...value });
}

/** The default store: SQLite on a file, so tokens survive restarts and processes on one host share them. */
function defaultStore(): TokenStore {
  return new LazyTokenStore(() => import('../stores/sqlite/sqlite-store.js').then(({ SQLiteStore }) => SQLiteStore.open()), 'host');
}
