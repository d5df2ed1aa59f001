import { createHash } from 'node:crypto';
import type { AccountsClient } from '../accounts/accounts-client.js';
import { oauthServerOf } from '../accounts/oauth-server.js';
import type { TokenStore } from '../contract/token-store.js';
import { ErrorCode } from '../errors/codes.js';
import { TokenArgumentError, TokenStoreError } from '../errors/token-store-error.js';
import { supportsRefreshLock, type RefreshLease } from '../contract/refresh-lock.js';
import { RefreshBudget } from './refresh-budget.js';
import { OAuthToken } from '../token/oauth-token.js';
import { RenewalBlocks } from './renewal-blocks.js';
import { authenticatedFetch, type FetchInput } from './authenticated-fetch.js';
import { LifecycleEvents, type LifecycleEventName, type LifecycleListener } from './lifecycle-events.js';
import { errorTypeOf, observedStore } from './observed-store.js';
import { RenewalReport, type RefreshReason } from './renewal-report.js';
import { RenewalSaver, type CommitOutcome } from './renewal-saver.js';
import { storeKindOf } from './store-kind.js';
import { loadOpenTelemetry } from './telemetry/load-open-telemetry.js';
import { recordOpenTelemetry, signalSources } from './telemetry/open-telemetry-signals.js';
import { SingleFlight } from './single-flight.js';
import { TokenCache, type TokenCredentials } from './token-cache.js';
import { tokenManagerConfig, type TokenManagerConfig, type TokenManagerOptions } from './token-manager-options.js';
import { TokenFreshness } from './token-freshness.js';
import { notFound, TokenLookup, type Snapshot } from './token-lookup.js';
import { TokenRenewer, type GrantCode, type Renewal } from './token-renewer.js';
import { checkSelector, describeSelector, type TokenSelector } from './token-selector.js';
import { untilAborted } from '../time/until-aborted.js';

// After a refresh failed but the current access token still works, serve it this long before trying again.
const GRACE_RETRY_MS = 5_000;
// While another caller refreshes, the current access token is served if it has at least this long to live: enough
// for an API call to reach Zoho with it.
const MIN_LIFE_TO_SERVE_MS = 10_000;

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
  readonly #budget: RefreshBudget | null;
  readonly #lookup: TokenLookup;
  readonly #defaultToken: OAuthToken | null;
  /** The store as the manager calls it: each call timed and reported when anything listens (observed-store.ts). */
  readonly #store: TokenStore;
  /** Tells how renewals went: lifecycle events, each renewal's trail of steps (renewal-report.ts). */
  readonly #report: RenewalReport;
  /** Saves renewals and revokes refresh tokens (renewal-saver.ts). */
  readonly #saver: RenewalSaver;
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
    const budget = this.#config.refreshBudget;
    this.#budget = budget === null ? null : new RefreshBudget(budget, () => this.#config.clock.now());
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
        this.#failed(null, grantCode.userName ?? null, error);
        throw error;
      }
      await this.#saver.save(renewal.token);
      const tokenId = String(renewal.token.id);
      this.#blocks.clear(tokenId);
      this.#remember(renewal.token);
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
    const lease = await this.#lock(tokenId, this.#config.lockWaitMs);
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
    if (snapshot.persisted && this.#freshness.usable(snapshot.token)) return this.#report.served(this.#remember(snapshot.token), 'store');
    const { token } = snapshot;
    const grantType = token.refreshToken ? 'refresh_token' : 'authorization_code';
    const joining = this.#flights.has(snapshot.flightKey);
    const run = this.#flights.run(snapshot.flightKey, () =>
      this.#report.traced(token.id, grantType, () => (snapshot.persisted ? this.#renewStored(snapshot) : this.#renewUnsaved(snapshot))),
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

  /**
   * The renewal of a stored token, run once for all concurrent callers (single-flight on the token id), under the
   * store's refresh lock. A caller that finds the lock held is served the current access token while it still works,
   * and otherwise waits for the holder (up to `refreshLock.waitMs`), then serves what the holder stored: it never
   * refreshes while another holds a live lease (REFRESH_IN_PROGRESS when the wait ends first).
   */
  async #renewStored(snapshot: Snapshot): Promise<TokenCredentials> {
    const tokenId = String(snapshot.token.id);
    // A run that finished just before this one started may have cached a newer token already.
    const cached = this.#cache.freshById(tokenId, this.#config.clock.now());
    if (cached && !this.#freshness.isRejected(cached.accessToken)) return cached;
    // A first try without waiting; a store that cannot answer now is tried again below, within the wait.
    let lease = await this.#lock(tokenId, 0).catch((error: unknown) => {
      if ((error as { code?: string } | null)?.code === ErrorCode.STORE_UNAVAILABLE) return null;
      throw error;
    });
    if (lease === null) {
      const left = this.#freshness.lifeLeft(snapshot.token);
      if (left > MIN_LIFE_TO_SERVE_MS) {
        this.#config.logger.debug('another caller is refreshing; serving the current access token meanwhile', { tokenId });
        return this.#remember(snapshot.token, Math.min(left - MIN_LIFE_TO_SERVE_MS, GRACE_RETRY_MS));
      }
      lease = await this.#lock(tokenId, this.#config.lockWaitMs);
      if (lease === null) {
        const after = await this.#store.findTokenById(tokenId);
        if (after && this.#freshness.usable(after)) return this.#remember(after);
        throw refreshInProgress(tokenId, this.#config.lockWaitMs);
      }
    }
    try {
      // Re-read: another process (or a renewal that just finished) may have stored a new token.
      const current = await this.#store.findTokenById(tokenId);
      if (!current) {
        this.#cache.drop(tokenId); // deleted elsewhere meanwhile
        throw notFound(`token id ${tokenId}`);
      }
      if (this.#freshness.usable(current)) {
        this.#config.logger.debug('token was renewed elsewhere; using the stored one', { tokenId, user: current.userName });
        return this.#remember(current);
      }
      return await this.#refreshNow(current);
    } finally {
      await lease?.release();
    }
  }

  /** A configured or given token that is not stored yet: renewed if needed, then saved (which gives it an id). */
  async #renewUnsaved(snapshot: Snapshot): Promise<TokenCredentials> {
    if (this.#freshness.usable(snapshot.token)) {
      const token = snapshot.token.clone();
      await this.#saver.save(token);
      return this.#remember(token);
    }
    // Grant codes are single use, so processes configured with the same code take the lock named after it (a hash,
    // never the code) and re-read: the first exchanges and saves, the others find its token by the grant token.
    const grantToken = snapshot.token.grantToken;
    const lease =
      grantToken && !snapshot.token.refreshToken ? await this.#lock(grantLockKey(grantToken), this.#config.lockWaitMs) : undefined;
    try {
      if (lease !== undefined) {
        const again = await this.#lookup.readToken(snapshot.token);
        if (again.persisted) return this.#freshness.usable(again.token) ? this.#remember(again.token) : await this.#renewStored(again);
      }
      return await this.#refreshNow(snapshot.token);
    } catch (error) {
      // Grant codes are single use: another process configured with the same code may have exchanged it first.
      // Its saved token is found by the grant token, so this ends in that token rather than an error.
      if ((error as { code?: string } | null)?.code !== ErrorCode.REAUTHORIZATION_REQUIRED || !snapshot.token.grantToken) throw error;
      const again = await this.#lookup.readToken(snapshot.token);
      if (!again.persisted) throw error;
      this.#config.logger.info('grant code was exchanged by another process; using its stored token', { tokenId: again.token.id });
      return this.#freshness.usable(again.token) ? this.#remember(again.token) : this.#renewStored(again);
    } finally {
      await lease?.release();
    }
  }

  async #refreshNow(current: OAuthToken, lostRaceChecked = false): Promise<TokenCredentials> {
    const tokenId = current.id;
    const reason: RefreshReason = !current.accessToken
      ? 'missing'
      : this.#freshness.isRejected(current.accessToken)
        ? 'rejected'
        : 'expiring';
    let renewal: Renewal;
    try {
      if (tokenId !== null) this.#blocks.check(tokenId, current, this.#config.clock.now());
      this.#config.logger.debug('renewing access token', { tokenId, user: current.userName, reason });
      const budgetFor = this.#budget === null ? undefined : (refreshToken: string) => (this.#budget as RefreshBudget).for(refreshToken);
      renewal = await this.#renewer.renew(current, budgetFor, this.#report.onAttempt);
    } catch (error) {
      const stored = lostRaceChecked ? null : await this.#rotatedElsewhere(current, error);
      if (stored !== null) return this.#freshness.usable(stored) ? this.#remember(stored) : this.#refreshNow(stored, true);
      this.#failed(current, current.userName, error);
      const grace = this.#grace(current, error);
      if (grace) return grace;
      throw error;
    }
    const outcome = await this.#saver.commit(renewal, current);
    if (outcome !== 'saved') return this.#discard(renewal, current, outcome);
    if (current.accessToken) this.#freshness.forget(current.accessToken);
    if (tokenId !== null) this.#blocks.clear(tokenId);
    this.#report.refreshed(renewal, reason);
    return this.#remember(renewal.token);
  }

  /**
   * A lost race, not a dead credential: the server refused the refresh token (invalid_grant, invalid_code) and the
   * store now holds another one, which another holder rotated in. Resolves to the stored token then, else null.
   */
  async #rotatedElsewhere(current: OAuthToken, error: unknown): Promise<OAuthToken | null> {
    if ((error as { code?: string } | null)?.code !== ErrorCode.REAUTHORIZATION_REQUIRED || current.id === null || !current.refreshToken)
      return null;
    const stored = await this.#store.findTokenById(current.id).catch(() => null);
    if (stored === null || !stored.refreshToken || stored.refreshToken === current.refreshToken) return null;
    this.#config.logger.info('refresh token was rotated by another holder meanwhile; using the stored one', { tokenId: current.id });
    return stored;
  }

  /**
   * A renewal its fenced save refused. The stored token wins: `changed`, another holder's (this one was paused past
   * its lease, or the token was authorized again meanwhile) is served; `gone`, the deletion stands. A rotated refresh
   * token this renewal got exists only here, so it is revoked at the server rather than left alive.
   */
  async #discard(renewal: Renewal, current: OAuthToken, outcome: Exclude<CommitOutcome, 'saved'>): Promise<TokenCredentials> {
    const tokenId = String(current.id);
    this.#config.logger.warn('a renewal was not saved: the stored token changed or was deleted meanwhile', { tokenId, outcome });
    if (renewal.rotated && renewal.token.refreshToken) await this.#saver.revokeUnsaved(renewal.token, tokenId);
    if (outcome === 'gone') {
      this.#cache.drop(tokenId);
      throw notFound(`token id ${tokenId} (deleted while it was being refreshed)`);
    }
    const stored = await this.#store.findTokenById(tokenId);
    if (stored && this.#freshness.usable(stored)) return this.#remember(stored);
    // The stored token is not usable either (it changed, and has no valid access token): what this renewal got still
    // works, and is served once; the next call renews the stored one.
    if (!renewal.rotated) return this.#remember(renewal.token, GRACE_RETRY_MS);
    throw refreshInProgress(tokenId, 0);
  }

  /**
   * The store's refresh lock on `key` (undefined when the store has none), waited for up to `waitMs`; its lease is
   * kept alive by a heartbeat while this holder works, so a slow refresh is never mistaken for a dead holder.
   */
  #lock(key: string, waitMs: number): Promise<RefreshLease | null | undefined> {
    const store = this.#store;
    if (!supportsRefreshLock(store)) return Promise.resolve(undefined);
    return store.acquireRefreshLock(key, { waitMs, leaseMs: this.#config.lockLeaseMs, keepAliveMs: this.#config.lockKeepAliveMs });
  }

  #remember(token: OAuthToken, servedForMs?: number): TokenCredentials {
    const now = this.#config.clock.now();
    const credentials: TokenCredentials = {
      tokenId: String(token.id),
      userName: token.userName,
      accessToken: String(token.accessToken),
      apiDomain: token.apiDomain ?? this.#renewer.environmentFor(null).apiDomain,
      authorizationScheme: oauthServerOf(this.#renewer.environmentFor(token.apiDomain)).authorizationScheme,
      expiresAt: token.expiresAt,
    };
    const refreshAt = token.expiresAt === null ? Infinity : token.expiresAt - this.#config.refreshMarginMs;
    const servedUntil = servedForMs === undefined ? Math.min(refreshAt, now + this.#config.cacheMaxAgeMs) : now + servedForMs;
    this.#cache.put(credentials, servedUntil);
    return Object.freeze(credentials);
  }

  #failed(current: OAuthToken | null, userName: string | null, error: unknown): void {
    if (current !== null) this.#blocks.note(current, error, this.#config.clock.now());
    this.#report.failed(current?.id ?? null, userName, error);
  }

  /**
   * After a renewal failed for a reason that is not the token's fault (accounts down, throttled), an access token
   * that has not expired yet is still served: the refresh margin exists for this. Tried again after a short pause.
   */
  #grace(current: OAuthToken, error: unknown): TokenCredentials | null {
    const code = (error as { code?: string } | null)?.code;
    if (code !== ErrorCode.ACCOUNTS_UNAVAILABLE && code !== ErrorCode.THROTTLED) return null;
    if (current.id === null || !current.accessToken || current.expiresAt === null || this.#freshness.isRejected(current.accessToken))
      return null;
    const left = current.expiresAt - this.#config.clock.now();
    if (left <= 0) return null;
    this.#config.logger.warn('serving the current access token until it expires; renewal failed', {
      tokenId: current.id,
      code,
      leftMs: left,
    });
    const trail = this.#report.trail;
    if (trail !== undefined) trail.graced = true;
    return this.#remember(current, Math.min(left, GRACE_RETRY_MS));
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

/** The refresh outcome a renewal error stands for. */

/** Another caller's refresh outlasted this caller's wait: typed, so the caller retries rather than refreshes. */
function refreshInProgress(tokenId: string, waitMs: number): TokenStoreError {
  return new TokenStoreError(
    ErrorCode.REFRESH_IN_PROGRESS,
    `Token ${tokenId} is being refreshed by another caller, who did not finish within ${waitMs} ms; nothing was sent. Retry: its new token is served once saved.`,
  );
}

/** The lock key for exchanging a grant code: a hash, so the code itself never reaches a lock name or a log. */
const grantLockKey = (grantToken: string): string => `grant-${createHash('sha256').update(grantToken).digest('hex').slice(0, 24)}`;
