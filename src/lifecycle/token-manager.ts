import type { AccountsClient } from '../accounts/accounts-client.js';
import type { TokenStore } from '../contract/token-store.js';
import { ErrorCode } from '../errors/codes.js';
import { TokenArgumentError, TokenStoreError } from '../errors/token-store-error.js';
import { OAuthToken } from '../token/oauth-token.js';
import { RenewalBlocks } from './renewal-blocks.js';
import { authenticatedFetch, type FetchInput } from './authenticated-fetch.js';
import { LifecycleEvents, type LifecycleEventName, type LifecycleListener } from './lifecycle-events.js';
import { errorTypeOf, observedStore } from './observed-store.js';
import { RenewalFlow, refreshInProgress } from './renewal-flow.js';
import { RenewalReport } from './renewal-report.js';
import { RenewalSaver } from './renewal-saver.js';
import { storeKindOf } from './store-kind.js';
import { loadOpenTelemetry } from './telemetry/load-open-telemetry.js';
import { recordOpenTelemetry, signalSources } from './telemetry/open-telemetry-signals.js';
import { SingleFlight } from './single-flight.js';
import { TokenCache, type TokenCredentials } from './token-cache.js';
import { tokenManagerConfig, type TokenManagerConfig, type TokenManagerOptions } from './token-manager-options.js';
import { TokenFreshness } from './token-freshness.js';
import { notFound, TokenLookup } from './token-lookup.js';
import { TokenRenewer, type GrantCode, type Renewal } from './token-renewer.js';
import { checkSelector, describeSelector, type TokenSelector } from './token-selector.js';
import { untilAborted } from '../time/until-aborted.js';

/**
 * Keeps every user's access token valid: finds the stored token, refreshes it (or exchanges its grant code) when it
 * is missing, about to expire or refused by an API, saves the result, and serves it from a cache. Any number of
 * users, concurrently, with no "current user": every call names its token (`{ user }`, `{ id }` or `{ token }`).
 *
 * One expiry costs one refresh request: concurrent callers share one renewal (single-flight), and when the store
 * has a refresh lock, processes sharing the store take it around "re-read, refresh only if still needed, save".
 * See docs/lifecycle.md for the flow, the margin, the cache, the lock, retries, events and errors.
 */
export class TokenManager {
  readonly #config: TokenManagerConfig;
  readonly #renewer: TokenRenewer;
  readonly #events: LifecycleEvents;
  readonly #cache = new TokenCache();
  readonly #flights = new SingleFlight<TokenCredentials>();
  readonly #freshness: TokenFreshness;
  readonly #blocks = new RenewalBlocks();
  readonly #lookup: TokenLookup;
  readonly #defaultToken: OAuthToken | null;
  /** The store as the manager calls it: each call timed and reported when anything listens (observed-store.ts). */
  readonly #store: TokenStore;
  /** Tells how renewals went: lifecycle events, each renewal's trail of steps (renewal-report.ts). */
  readonly #report: RenewalReport;
  /** Saves renewals and revokes refresh tokens (renewal-saver.ts). */
  readonly #saver: RenewalSaver;
  /** Renews one token for all its concurrent callers: lock, re-read, refresh, fenced save (renewal-flow.ts). */
  readonly #flow: RenewalFlow;
  #cacheServes = 0;
  /** Set while `@opentelemetry/api` is still to be loaded (the `telemetry` option's default). */
  #telemetryToLoad: Promise<void> | null | 'first use' = null;
  #stopTelemetry: (() => void) | null = null;
  #closed = false;

  constructor(options: TokenManagerOptions = {}) {
    this.#config = tokenManagerConfig(options);
    this.#freshness = new TokenFreshness(() => this.#config.clock.now(), this.#config.refreshMarginMs);
    this.#renewer = new TokenRenewer(this.#config);
    this.#events = new LifecycleEvents(this.#config.logger);
    // The default store is SQLite, opened on first use.
    const storeKind = this.#config.ownsStore ? 'sqlite' : storeKindOf(this.#config.store);
    this.#report = new RenewalReport(this.#events, storeKind, this.#config.clock, this.#config.logger);
    this.#store = observedStore(this.#config.store, this.#report.storeObserver);
    this.#saver = new RenewalSaver({
      config: this.#config,
      store: this.#store,
      events: this.#events,
      renewer: this.#renewer,
      onAttempt: this.#report.onAttempt,
    });
    this.#lookup = new TokenLookup({ store: this.#store, tokens: this.#config.tokens, client: this.#config.client, cache: this.#cache });
    this.#defaultToken = this.#lookup.defaultToken;
    this.#flow = new RenewalFlow({
      config: this.#config,
      store: this.#store,
      cache: this.#cache,
      freshness: this.#freshness,
      blocks: this.#blocks,
      lookup: this.#lookup,
      report: this.#report,
      saver: this.#saver,
      renewer: this.#renewer,
    });
    const telemetry = this.#config.telemetry;
    if (telemetry === 'auto') this.#telemetryToLoad = 'first use';
    else if (telemetry !== false) this.#stopTelemetry = recordOpenTelemetry(this, signalSources(telemetry.api, telemetry));
  }

  /** The store tokens are kept in. */
  get store(): TokenStore {
    return this.#config.store;
  }

  get accounts(): AccountsClient {
    return this.#config.accounts;
  }

  /**
   * How many token requests were served from the cache (they emit no event: one would cost more than the lookup).
   * The OpenTelemetry lookups counter reads it at each collection.
   */
  get cacheServes(): number {
    return this.#cacheServes;
  }

  /**
   * A valid access token for the selected token (without a selector: the one configured token). Served from the
   * cache while valid; otherwise read from the store, and refreshed or exchanged (then saved) when needed. With
   * `options.signal`, the call rejects with the signal's reason once it aborts: the caller's own deadline (the
   * refresh under way goes on for the other callers that share it).
   */
  accessToken(selector?: TokenSelector, options?: AccessOptions): Promise<string> {
    const cached = this.#cached(selector);
    if (cached !== null) {
      this.#cacheServes += 1;
      return Promise.resolve(cached.accessToken);
    }
    return this.#obtain(selector, options?.signal).then((credentials) => credentials.accessToken);
  }

  /** What an API call needs: a valid access token with its token id, user and API domain (options as accessToken). */
  credentials(selector?: TokenSelector, options?: AccessOptions): Promise<TokenCredentials> {
    const cached = this.#cached(selector);
    if (cached !== null) {
      this.#cacheServes += 1;
      return Promise.resolve(cached);
    }
    return this.#obtain(selector, options?.signal);
  }

  /**
   * Tells the manager that an API refused this access token (HTTP 401 INVALID_TOKEN): it leaves the cache, and the
   * next request for its token re-reads the store — serving a token another process stored since, or refreshing
   * if the store still holds the refused one. `fetch` calls this itself; call it when you call Zoho another way.
   */
  reportInvalidToken(accessToken: string): void {
    if (typeof accessToken !== 'string' || accessToken === '') return;
    const tokenId = this.#cache.dropAccessToken(accessToken);
    this.#freshness.reject(accessToken);
    this.#config.logger.debug('access token refused by an API; dropped from the cache', { tokenId });
  }

  /**
   * Exchanges a grant code from Zoho's authorize redirect (use `parseAuthorizationRedirect`, and pass its
   * `accountsServer`), names the token by the CRM user's email unless `userName` is given, and saves it; a user
   * already stored gets the new tokens in the same row. Resolves to the saved token (your copy).
   *
   * The accounts server must be a Zoho data center's or one of this manager's environments: any other is refused
   * with UNTRUSTED_ACCOUNTS_SERVER before anything is sent (the redirect passes through the browser and can be forged).
   */
  async exchangeGrant(grantCode: GrantCode): Promise<OAuthToken> {
    this.#assertOpen();
    if (typeof grantCode?.code !== 'string' || grantCode.code === '') {
      throw new TokenArgumentError(ErrorCode.INVALID_ARGUMENT, 'exchangeGrant needs the "code" from the authorize redirect.');
    }
    const server: unknown = grantCode.accountsServer;
    if (server !== undefined && server !== null && typeof server !== 'string') {
      throw new TokenArgumentError(
        ErrorCode.INVALID_ARGUMENT,
        'exchangeGrant: "accountsServer" must be a URL string (the redirect\'s accounts-server), or null.',
      );
    }
    await this.#telemetryLoaded();
    return this.#report.traced(null, 'authorization_code', async () => {
      let renewal: Renewal;
      try {
        renewal = await this.#renewer.exchange(grantCode, this.#report.onAttempt);
      } catch (error) {
        this.#flow.failed(null, grantCode.userName ?? null, error);
        throw error;
      }
      await this.#saver.save(renewal.token);
      const tokenId = String(renewal.token.id);
      this.#blocks.clear(tokenId);
      this.#flow.remember(renewal.token);
      this.#report.refreshed(renewal, 'authorized');
      return renewal.token.clone();
    });
  }

  /**
   * Revokes the token's refresh token at its accounts server, then deletes the token from the store. If the server
   * cannot be reached the token stays stored (the error says so) and the call can be repeated; a token the server
   * no longer knows is deleted all the same (`revoked` event with `remote: false`).
   */
  async revoke(selector: TokenSelector): Promise<void> {
    this.#assertOpen();
    checkSelector(selector);
    await this.#telemetryLoaded();
    const snapshot = await this.#lookup.read(selector);
    if (!snapshot.persisted) throw notFound(describeSelector(selector));
    const tokenId = String(snapshot.token.id);
    await this.#flights.wait(snapshot.flightKey);
    const lease = await this.#flow.lock(tokenId, this.#config.lockWaitMs);
    if (lease === null) throw refreshInProgress(tokenId, this.#config.lockWaitMs);
    try {
      // Re-read under the lock: a renewal that just ended may have stored a rotated refresh token.
      const token = (await this.#store.findTokenById(tokenId)) ?? snapshot.token;
      const remote = token.refreshToken ? await this.#saver.revoke(token, token.refreshToken) : false;
      await this.#store.deleteToken(tokenId);
      this.#cache.drop(tokenId);
      this.#blocks.clear(tokenId);
      this.#config.logger.info('token revoked and deleted', { tokenId, user: token.userName, remote });
      this.#events.emit('revoked', { tokenId, userName: token.userName, remote });
    } finally {
      await lease?.release();
    }
  }

  /**
   * `fetch` for Zoho APIs: sets `Authorization: Zoho-oauthtoken …` with a valid token, resolves a relative path
   * against the token's `api_domain`, and on 401 INVALID_TOKEN refreshes once and retries once (a second refusal
   * throws API_UNAUTHORIZED). Absolute URLs must be on the token's API domain: the token is sent nowhere else.
   */
  fetch(selector: TokenSelector | undefined, input: FetchInput, init?: RequestInit): Promise<Response> {
    checkSelector(selector);
    return authenticatedFetch(this, this.#config.fetch, selector, input, init);
  }

  /** `fetch` bound to one token: `const crm = manager.fetchFor({ user }); await crm('/crm/v8/Leads')`. */
  fetchFor(selector?: TokenSelector): (input: FetchInput, init?: RequestInit) => Promise<Response> {
    checkSelector(selector);
    return (input, init) => authenticatedFetch(this, this.#config.fetch, selector, input, init);
  }

  /** Adds a listener (`refreshed`, `refreshFailed`, `revoked`, `saved`); returns a function that removes it. */
  on<K extends LifecycleEventName>(name: K, listener: LifecycleListener<K>): () => void {
    return this.#events.on(name, listener);
  }

  off<K extends LifecycleEventName>(name: K, listener: LifecycleListener<K>): void {
    this.#events.off(name, listener);
  }

  /** Forgets cached tokens and closes the store if the manager created it. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#cache.clear();
    this.#freshness.clear();
    this.#blocks.clearAll();
    this.#stopTelemetry?.();
    this.#stopTelemetry = null;
    const store = this.#config.store as TokenStore & { close?: () => Promise<void> };
    if (this.#config.ownsStore) await store.close?.();
  }

  // The hot path: a Map lookup and a clock read. Anything unusual goes to #obtain, which validates.
  #cached(selector: TokenSelector | undefined): TokenCredentials | null {
    if (this.#closed || typeof selector !== 'object' || selector === null) {
      const token = selector === undefined && !this.#closed ? this.#defaultToken : null;
      return token?.userName ? this.#cache.freshByUser(token.userName, this.#config.clock.now()) : null;
    }
    const now = this.#config.clock.now();
    if ('user' in selector) return typeof selector.user === 'string' ? this.#cache.freshByUser(selector.user, now) : null;
    if ('id' in selector) return typeof selector.id === 'string' ? this.#cache.freshById(selector.id, now) : null;
    const token = (selector as { token?: unknown }).token;
    if (!(token instanceof OAuthToken)) return null;
    if (token.id) return this.#cache.freshById(token.id, now);
    return token.userName ? this.#cache.freshByUser(token.userName, now) : null;
  }

  async #obtain(selector: TokenSelector | undefined, signal?: AbortSignal): Promise<TokenCredentials> {
    this.#assertOpen();
    checkSelector(selector);
    signal?.throwIfAborted();
    if (this.#telemetryToLoad !== null) await this.#telemetryLoaded();
    const snapshot = await this.#lookup.read(selector);
    if (snapshot.persisted && this.#freshness.usable(snapshot.token))
      return this.#report.served(this.#flow.remember(snapshot.token), 'store');
    const { token } = snapshot;
    const grantType = token.refreshToken ? 'refresh_token' : 'authorization_code';
    const joining = this.#flights.has(snapshot.flightKey);
    const run = this.#flights.run(snapshot.flightKey, () =>
      this.#report.traced(token.id, grantType, () =>
        snapshot.persisted ? this.#flow.renewStored(snapshot) : this.#flow.renewUnsaved(snapshot),
      ),
    );
    const renewal = (joining ? this.#report.joined(run, token.id, grantType) : run).then((credentials) =>
      this.#report.served(credentials, 'refresh'),
    );
    return signal === undefined ? renewal : untilAborted(renewal, signal);
  }

  /** Loads `@opentelemetry/api` on first use when the `telemetry` option was left out; nothing when it is not installed. */
  async #telemetryLoaded(): Promise<void> {
    if (this.#telemetryToLoad === null) return;
    if (this.#telemetryToLoad === 'first use') {
      this.#telemetryToLoad = loadOpenTelemetry().then(
        (api) => {
          if (api !== null && !this.#closed) this.#stopTelemetry = recordOpenTelemetry(this, signalSources(api));
        },
        (error: unknown) => this.#config.logger.warn('@opentelemetry/api could not be loaded; no telemetry', { error: errorTypeOf(error) }),
      );
    }
    await this.#telemetryToLoad;
    this.#telemetryToLoad = null;
  }

  #assertOpen(): void {
    if (this.#closed) throw new TokenStoreError(ErrorCode.STORE_CLOSED, 'The TokenManager is closed; create a new one to use it again.');
  }
}

/** Options of a call that may have to wait for a token. */
export interface AccessOptions {
  /** The caller's deadline: the call rejects with the signal's reason once it aborts. */
  readonly signal?: AbortSignal;
}
