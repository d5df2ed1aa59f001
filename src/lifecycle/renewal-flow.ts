import { createHash } from 'node:crypto';
import { oauthServerOf } from '../accounts/oauth-server.js';
import { supportsRefreshLock, type RefreshLease } from '../contract/refresh-lock.js';
import type { TokenStore } from '../contract/token-store.js';
import { ErrorCode } from '../errors/codes.js';
import { TokenStoreError } from '../errors/token-store-error.js';
import type { OAuthToken } from '../token/oauth-token.js';
import { RefreshBudget } from './refresh-budget.js';
import type { RenewalBlocks } from './renewal-blocks.js';
import type { RefreshReason, RenewalReport } from './renewal-report.js';
import type { CommitOutcome, RenewalSaver } from './renewal-saver.js';
import type { TokenCache, TokenCredentials } from './token-cache.js';
import type { TokenFreshness } from './token-freshness.js';
import { notFound, type Snapshot, type TokenLookup } from './token-lookup.js';
import type { TokenManagerConfig } from './token-manager-options.js';
import type { Renewal, TokenRenewer } from './token-renewer.js';

// After a refresh failed but the current access token still works, serve it this long before trying again.
const GRACE_RETRY_MS = 5_000;
// While another caller refreshes, the current access token is served if it has at least this long to live: enough
// for an API call to reach Zoho with it.
const MIN_LIFE_TO_SERVE_MS = 10_000;

/** What the renewal flow works with; TokenManager builds them and shares the cache, freshness and blocks with it. */
export interface RenewalFlowParts {
  readonly config: TokenManagerConfig;
  /** The store as the manager calls it (observed). */
  readonly store: TokenStore;
  readonly cache: TokenCache;
  readonly freshness: TokenFreshness;
  readonly blocks: RenewalBlocks;
  readonly lookup: TokenLookup;
  readonly report: RenewalReport;
  readonly saver: RenewalSaver;
  readonly renewer: TokenRenewer;
}

/**
 * TokenManager's renewal of one token, once its callers have been joined into one flight: the refresh lock, the
 * re-read under it, the refresh or exchange, the fenced save and what a refused save or a failed refresh ends in
 * (the stored token, a grace period, or a typed error). Every token it serves goes through `remember`, into the cache.
 */
export class RenewalFlow {
  readonly #config: TokenManagerConfig;
  readonly #store: TokenStore;
  readonly #cache: TokenCache;
  readonly #freshness: TokenFreshness;
  readonly #blocks: RenewalBlocks;
  readonly #lookup: TokenLookup;
  readonly #report: RenewalReport;
  readonly #saver: RenewalSaver;
  readonly #renewer: TokenRenewer;
  readonly #budget: RefreshBudget | null;

  constructor(parts: RenewalFlowParts) {
    this.#config = parts.config;
    this.#store = parts.store;
    this.#cache = parts.cache;
    this.#freshness = parts.freshness;
    this.#blocks = parts.blocks;
    this.#lookup = parts.lookup;
    this.#report = parts.report;
    this.#saver = parts.saver;
    this.#renewer = parts.renewer;
    const budget = parts.config.refreshBudget;
    this.#budget = budget === null ? null : new RefreshBudget(budget, () => parts.config.clock.now());
  }

  /**
   * The renewal of a stored token, run once for all concurrent callers (single-flight on the token id), under the
   * store's refresh lock. A caller that finds the lock held is served the current access token while it still works,
   * and otherwise waits for the holder (up to `refreshLock.waitMs`), then serves what the holder stored: it never
   * refreshes while another holds a live lease (REFRESH_IN_PROGRESS when the wait ends first).
   */
  async renewStored(snapshot: Snapshot): Promise<TokenCredentials> {
    const tokenId = String(snapshot.token.id);
    // A run that finished just before this one started may have cached a newer token already.
    const cached = this.#cache.freshById(tokenId, this.#config.clock.now());
    if (cached && !this.#freshness.isRejected(cached.accessToken)) return cached;
    // A first try without waiting; a store that cannot answer now is tried again below, within the wait.
    let lease = await this.lock(tokenId, 0).catch((error: unknown) => {
      if ((error as { code?: string } | null)?.code === ErrorCode.STORE_UNAVAILABLE) return null;
      throw error;
    });
    if (lease === null) {
      const left = this.#freshness.lifeLeft(snapshot.token);
      if (left > MIN_LIFE_TO_SERVE_MS) {
        this.#config.logger.debug('another caller is refreshing; serving the current access token meanwhile', { tokenId });
        return this.remember(snapshot.token, Math.min(left - MIN_LIFE_TO_SERVE_MS, GRACE_RETRY_MS));
      }
      lease = await this.lock(tokenId, this.#config.lockWaitMs);
      if (lease === null) {
        const after = await this.#store.findTokenById(tokenId);
        if (after && this.#freshness.usable(after)) return this.remember(after);
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
        return this.remember(current);
      }
      return await this.#refreshNow(current);
    } finally {
      await lease?.release();
    }
  }

  /**
   * A configured or given token that is not stored yet: renewed if needed, then saved (which gives it an id). Processes
   * configured with the same token take one lock named after it (`unsavedLockKey`) and re-read under it: the first
   * refreshes or exchanges and saves, the others find its token. A wait that ends first sends nothing.
   */
  async renewUnsaved(snapshot: Snapshot): Promise<TokenCredentials> {
    if (this.#freshness.usable(snapshot.token)) {
      const token = snapshot.token.clone();
      await this.#saver.save(token);
      return this.remember(token);
    }
    const lockKey = unsavedLockKey(snapshot.token);
    const lease = lockKey === null ? undefined : await this.lock(lockKey, this.#config.lockWaitMs);
    if (lease === null) {
      // The holder outlasted the wait: serve what it stored if it is there by now, else send nothing.
      const after = await this.#lookup.readToken(snapshot.token);
      if (after.persisted && this.#freshness.usable(after.token)) return this.remember(after.token);
      throw refreshInProgress(snapshot.token.userName ?? String(lockKey), this.#config.lockWaitMs);
    }
    try {
      if (lease !== undefined) {
        const again = await this.#lookup.readToken(snapshot.token);
        if (again.persisted) return this.#freshness.usable(again.token) ? this.remember(again.token) : await this.renewStored(again);
      }
      return await this.#refreshNow(snapshot.token);
    } catch (error) {
      // A lost race: another process configured with the same token exchanged the (single-use) grant code, or used
      // the refresh token (a rotating server retires it), and saved the result first. That token is the answer.
      if ((error as { code?: string } | null)?.code !== ErrorCode.REAUTHORIZATION_REQUIRED) throw error;
      const { grantToken, refreshToken } = snapshot.token;
      if (!grantToken && !refreshToken) throw error;
      const again = await this.#lookup.readToken(snapshot.token);
      if (!again.persisted) throw error;
      if (this.#freshness.usable(again.token)) {
        this.#config.logger.info('token was renewed by another process; using its stored token', { tokenId: again.token.id });
        return this.remember(again.token);
      }
      // The stored token still holds the refresh token the server just refused: nothing to renew it with.
      if (refreshToken && again.token.refreshToken === refreshToken) throw error;
      this.#config.logger.info('token was renewed by another process; renewing its stored token', { tokenId: again.token.id });
      return this.renewStored(again);
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
      if (stored !== null) return this.#freshness.usable(stored) ? this.remember(stored) : this.#refreshNow(stored, true);
      this.failed(current, current.userName, error);
      const grace = this.#grace(current, error);
      if (grace) return grace;
      throw error;
    }
    const outcome = await this.#saver.commit(renewal, current);
    if (outcome !== 'saved') return this.#discard(renewal, current, outcome);
    if (current.accessToken) this.#freshness.forget(current.accessToken);
    if (tokenId !== null) this.#blocks.clear(tokenId);
    this.#report.refreshed(renewal, reason);
    return this.remember(renewal.token);
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
    if (stored && this.#freshness.usable(stored)) return this.remember(stored);
    // The stored token is not usable either (it changed, and has no valid access token): what this renewal got still
    // works, and is served once; the next call renews the stored one.
    if (!renewal.rotated) return this.remember(renewal.token, GRACE_RETRY_MS);
    throw refreshInProgress(tokenId, 0);
  }

  /**
   * The store's refresh lock on `key` (undefined when the store has none), waited for up to `waitMs`; its lease is
   * kept alive by a heartbeat while this holder works, so a slow refresh is never mistaken for a dead holder.
   */
  lock(key: string, waitMs: number): Promise<RefreshLease | null | undefined> {
    const store = this.#store;
    if (!supportsRefreshLock(store)) return Promise.resolve(undefined);
    return store.acquireRefreshLock(key, { waitMs, leaseMs: this.#config.lockLeaseMs, keepAliveMs: this.#config.lockKeepAliveMs });
  }

  remember(token: OAuthToken, servedForMs?: number): TokenCredentials {
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

  failed(current: OAuthToken | null, userName: string | null, error: unknown): void {
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
    return this.remember(current, Math.min(left, GRACE_RETRY_MS));
  }
}

/** Another caller's refresh outlasted this caller's wait: typed, so the caller retries rather than refreshes. */
export function refreshInProgress(tokenId: string, waitMs: number): TokenStoreError {
  return new TokenStoreError(
    ErrorCode.REFRESH_IN_PROGRESS,
    `Token ${tokenId} is being refreshed by another caller, who did not finish within ${waitMs} ms; nothing was sent. Retry: its new token is served once saved.`,
  );
}

const lockHash = (value: string): string => createHash('sha256').update(value).digest('hex').slice(0, 24);

/**
 * The lock an unsaved token is renewed under, agreed on by every process configured with the same token, and always a
 * hash (a refresh token or grant code never reaches a lock name or a log):
 * - a refresh token: its user name when it has one, else the refresh token itself. The user name is what the re-read
 *   under the lock finds the saved token by even after a rotating server replaced the refresh token, so it is
 *   preferred; without one the token is matched by its refresh token, which is all the processes share;
 * - a grant code without a refresh token: the code (`grant-<24 hex>`), single use;
 * - an access token alone cannot be renewed: null, no lock.
 */
function unsavedLockKey(token: Pick<OAuthToken, 'userName' | 'refreshToken' | 'grantToken'>): string | null {
  if (token.refreshToken) return token.userName ? `user-${lockHash(token.userName)}` : `refresh-${lockHash(token.refreshToken)}`;
  if (token.grantToken) return `grant-${lockHash(token.grantToken)}`;
  return null;
}
