import type { DataCenterCode } from '../../accounts/data-centers.js';
import type { EmulatorClock } from './emulator-clock.js';
import { FixedWindow } from './fixed-window.js';
import { newTokenValue } from './identifiers.js';
import type { EmulatorLimits } from './limits.js';

/** Whom a token was granted to, and where it is valid. */
export interface TokenGrant {
  readonly clientId: string;
  /** Null for an org-wide `client_credentials` token of an org with no emulated user. */
  readonly userId: string | null;
  readonly orgId: string;
  readonly dataCenter: DataCenterCode;
  readonly scope: readonly string[];
}

export interface RefreshTokenRecord extends TokenGrant {
  readonly value: string;
  /** The grant it descends from (the first refresh token's value): rotation keeps it, reuse revokes all of it. */
  readonly family: string;
  readonly createdAt: number;
  readonly window: FixedWindow;
  /** Its live access tokens, oldest first. */
  readonly active: string[];
}

export interface AccessTokenRecord extends TokenGrant {
  readonly value: string;
  readonly refreshToken: string | null;
  readonly expiresAt: number;
}

/**
 * Refresh and access tokens with Zoho's limits: refresh tokens never rotate or expire; each mints at most N access
 * tokens per window; each keeps at most M live access tokens (the oldest is invalidated); a user keeps at most K
 * refresh tokens per client (the oldest is deleted with its access tokens). An invalidated token is forgotten, so
 * it reads exactly like an unknown one, as at Zoho.
 */
export class TokenLedger {
  readonly #refreshTokens = new Map<string, RefreshTokenRecord>();
  readonly #accessTokens = new Map<string, AccessTokenRecord>();
  /** Refresh tokens per `clientId \n userId`, oldest first. */
  readonly #byClientUser = new Map<string, string[]>();
  /** Refresh tokens retired by rotation, by value: the family each belonged to. */
  readonly #retired = new Map<string, string>();
  readonly #clock: EmulatorClock;
  readonly #limits: Readonly<EmulatorLimits>;

  constructor(clock: EmulatorClock, limits: Readonly<EmulatorLimits>) {
    this.#clock = clock;
    this.#limits = limits;
  }

  /** A new refresh token for a user of a client; the oldest beyond the per-user cap is deleted. */
  createRefreshToken(grant: TokenGrant & { readonly userId: string }, family?: string): RefreshTokenRecord {
    const value = newTokenValue();
    const record: RefreshTokenRecord = {
      ...grant,
      scope: Object.freeze([...grant.scope]),
      value,
      family: family ?? value,
      createdAt: this.#clock.now(),
      window: new FixedWindow(),
      active: [],
    };
    this.#refreshTokens.set(record.value, record);
    const key = clientUserKey(grant.clientId, grant.userId);
    const owned = this.#byClientUser.get(key) ?? [];
    owned.push(record.value);
    this.#byClientUser.set(key, owned);
    while (owned.length > this.#limits.refreshTokensPerUserPerClient) this.revoke(owned[0] as string);
    return record;
  }

  refreshToken(value: string): RefreshTokenRecord | null {
    return this.#refreshTokens.get(value) ?? null;
  }

  /**
   * Rotation (a standard server's, not Zoho's): a new refresh token of the same grant replaces `old`, which is retired.
   * The access tokens already made stay live; its mint window carries over.
   */
  rotate(old: RefreshTokenRecord): RefreshTokenRecord {
    const next: RefreshTokenRecord = { ...old, value: newTokenValue(), createdAt: this.#clock.now(), active: [] };
    this.#refreshTokens.delete(old.value);
    this.#refreshTokens.set(next.value, next);
    this.#retired.set(old.value, old.family);
    if (old.userId !== null) {
      const owned = this.#byClientUser.get(clientUserKey(old.clientId, old.userId)) ?? [];
      const index = owned.indexOf(old.value);
      if (index >= 0) owned[index] = next.value;
    }
    return next;
  }

  /**
   * A retired refresh token presented again: the reuse a rotating server treats as theft (OAuth 2.0 Security BCP).
   * Revokes every live refresh token of its grant, with their access tokens; true when `value` was retired.
   */
  reuse(value: string): boolean {
    const family = this.#retired.get(value);
    if (family === undefined) return false;
    for (const record of [...this.#refreshTokens.values()]) if (record.family === family) this.revoke(record.value);
    return true;
  }

  /** How many refresh tokens the user holds for the client now. */
  refreshTokenCount(clientId: string, userId: string): number {
    return this.#byClientUser.get(clientUserKey(clientId, userId))?.length ?? 0;
  }

  /**
   * An access token from a refresh token, counted in its window unless `counted` is false (the one that comes with
   * the code exchange is not "generated from the refresh token"). Null when the window is full: throttled.
   */
  mintFromRefreshToken(refresh: RefreshTokenRecord, counted = true): AccessTokenRecord | null {
    const now = this.#clock.now();
    if (counted && !refresh.window.tryTake(now, this.#limits.accessTokensPerRefreshWindow, this.#limits.refreshWindowMs)) return null;
    const access = this.#mint(refresh, refresh.value, now);
    const live = refresh.active.filter((value) => this.accessToken(value) !== null);
    live.push(access.value);
    while (live.length > this.#limits.activeAccessTokensPerRefresh) {
      const oldest = live.shift();
      if (oldest !== undefined) this.#accessTokens.delete(oldest);
    }
    refresh.active.splice(0, refresh.active.length, ...live);
    return access;
  }

  /** An access token with no refresh token (an online code, or `client_credentials`). */
  mintStandalone(grant: TokenGrant): AccessTokenRecord {
    return this.#mint(grant, null, this.#clock.now());
  }

  /** The live access token with that value, or null when unknown, expired, evicted or revoked. */
  accessToken(value: string): AccessTokenRecord | null {
    const access = this.#accessTokens.get(value);
    if (!access) return null;
    if (this.#clock.now() >= access.expiresAt) {
      this.#accessTokens.delete(value);
      return null;
    }
    return access;
  }

  /**
   * Forgets one live access token and nothing else: its refresh token keeps working (Zoho does this when the user
   * changes their password or an admin ends a session). False when no live access token has that value.
   */
  invalidateAccessToken(value: string): boolean {
    const access = this.accessToken(value);
    if (!access) return false;
    this.#accessTokens.delete(value);
    const refresh = access.refreshToken === null ? undefined : this.#refreshTokens.get(access.refreshToken);
    const index = refresh?.active.indexOf(value) ?? -1;
    if (refresh && index >= 0) refresh.active.splice(index, 1);
    return true;
  }

  /** Deletes a refresh token and every access token made from it; false when it was unknown. */
  revoke(value: string): boolean {
    const refresh = this.#refreshTokens.get(value);
    if (!refresh) return false;
    this.#refreshTokens.delete(value);
    for (const access of refresh.active) this.#accessTokens.delete(access);
    refresh.active.length = 0;
    if (refresh.userId !== null) {
      const key = clientUserKey(refresh.clientId, refresh.userId);
      const owned = this.#byClientUser.get(key) ?? [];
      const index = owned.indexOf(value);
      if (index >= 0) owned.splice(index, 1); // in place: createRefreshToken's eviction loop holds this array
      if (owned.length === 0) this.#byClientUser.delete(key);
    }
    return true;
  }

  #mint(grant: TokenGrant, refreshToken: string | null, now: number): AccessTokenRecord {
    const access: AccessTokenRecord = Object.freeze({
      clientId: grant.clientId,
      userId: grant.userId,
      orgId: grant.orgId,
      dataCenter: grant.dataCenter,
      scope: grant.scope,
      value: newTokenValue(),
      refreshToken,
      expiresAt: now + this.#limits.accessTokenTtlMs,
    });
    this.#accessTokens.set(access.value, access);
    return access;
  }
}

function clientUserKey(clientId: string, userId: string): string {
  return `${clientId}\n${userId}`;
}
