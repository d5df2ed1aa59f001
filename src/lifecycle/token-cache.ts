import type { AuthorizationScheme } from '../accounts/oauth-server.js';
/** What an API call needs from a valid token. The access token is the one secret here: hand it only to Zoho. */
export interface TokenCredentials {
  readonly tokenId: string;
  readonly userName: string | null;
  readonly accessToken: string;
  /** Where to call the APIs: the token's `api_domain`, else the environment's. */
  readonly apiDomain: string;
  /** The `Authorization` scheme the environment's APIs take. */
  readonly authorizationScheme: AuthorizationScheme;
  /** Absolute expiry, epoch ms; null when unknown (an access-only token saved without one). */
  readonly expiresAt: number | null;
}

interface CacheEntry {
  readonly credentials: TokenCredentials;
  /** Served without a store read until this time: the earlier of "refresh margin reached" and "max age reached". */
  readonly servedUntil: number;
}

/**
 * Valid tokens by id, user name and access token, so that getting a token for an API call costs a Map lookup,
 * not a store round trip. The manager decides what enters and when it leaves (see docs/lifecycle.md, "Cache").
 */
export class TokenCache {
  readonly #byId = new Map<string, CacheEntry>();
  readonly #byUser = new Map<string, CacheEntry>();
  readonly #byAccessToken = new Map<string, CacheEntry>();

  /** The credentials cached for a token id or user name, if still servable at `now`. */
  freshById(id: string, now: number): TokenCredentials | null {
    const entry = this.#byId.get(id);
    return entry !== undefined && now < entry.servedUntil ? entry.credentials : null;
  }

  freshByUser(userName: string, now: number): TokenCredentials | null {
    const entry = this.#byUser.get(userName);
    return entry !== undefined && now < entry.servedUntil ? entry.credentials : null;
  }

  put(credentials: TokenCredentials, servedUntil: number): void {
    this.drop(credentials.tokenId);
    // A user's token may have a new id (deleted and saved again elsewhere): the old entry must not linger.
    if (credentials.userName !== null) {
      const previous = this.#byUser.get(credentials.userName);
      if (previous) this.drop(previous.credentials.tokenId);
    }
    const entry: CacheEntry = { credentials: Object.freeze({ ...credentials }), servedUntil };
    this.#byId.set(credentials.tokenId, entry);
    if (credentials.userName !== null) this.#byUser.set(credentials.userName, entry);
    this.#byAccessToken.set(credentials.accessToken, entry);
  }

  drop(tokenId: string): void {
    const entry = this.#byId.get(tokenId);
    if (!entry) return;
    this.#byId.delete(tokenId);
    const { userName, accessToken } = entry.credentials;
    if (userName !== null && this.#byUser.get(userName) === entry) this.#byUser.delete(userName);
    if (this.#byAccessToken.get(accessToken) === entry) this.#byAccessToken.delete(accessToken);
  }

  dropUser(userName: string): void {
    const entry = this.#byUser.get(userName);
    if (entry) this.drop(entry.credentials.tokenId);
  }

  /** Drops the entry holding this access token; resolves to its token id, or null. */
  dropAccessToken(accessToken: string): string | null {
    const entry = this.#byAccessToken.get(accessToken);
    if (!entry) return null;
    this.drop(entry.credentials.tokenId);
    return entry.credentials.tokenId;
  }

  clear(): void {
    this.#byId.clear();
    this.#byUser.clear();
    this.#byAccessToken.clear();
  }

  get size(): number {
    return this.#byId.size;
  }
}
