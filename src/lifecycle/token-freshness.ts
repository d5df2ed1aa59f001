import type { OAuthToken } from '../token/oauth-token.js';

// Bound on remembered refused access tokens: they matter only until the next refresh of their token.
const MAX_REJECTED = 10_000;

/**
 * Whether a token's access token can be served: present, not refused by an API (`reject`), and not within the
 * refresh margin of its expiry. An access-only token with no known expiry is served until an API refuses it.
 */
export class TokenFreshness {
  readonly #now: () => number;
  readonly #refreshMarginMs: number;
  readonly #rejected = new Set<string>();

  constructor(now: () => number, refreshMarginMs: number) {
    this.#now = now;
    this.#refreshMarginMs = refreshMarginMs;
  }

  /** An API refused this access token: it is not served again. */
  reject(accessToken: string): void {
    if (this.#rejected.size >= MAX_REJECTED) this.#rejected.delete(this.#rejected.values().next().value as string);
    this.#rejected.add(accessToken);
  }

  isRejected(accessToken: string | null): boolean {
    return accessToken !== null && this.#rejected.has(accessToken);
  }

  /** Its token was renewed: the refused access token is gone with it. */
  forget(accessToken: string): void {
    this.#rejected.delete(accessToken);
  }

  clear(): void {
    this.#rejected.clear();
  }

  /** Whether the token can be served as it is. */
  usable(token: OAuthToken): boolean {
    if (!token.accessToken || this.#rejected.has(token.accessToken)) return false;
    // No known expiry: an access-only token is served until an API refuses it; a renewable one is renewed.
    if (token.expiresAt === null) return !token.refreshToken && !token.grantToken;
    return token.expiresAt - this.#refreshMarginMs > this.#now();
  }

  /** Milliseconds of life the token's access token has left (0 when it has none, expired, or was refused). */
  lifeLeft(token: OAuthToken): number {
    if (!token.accessToken || token.expiresAt === null || this.#rejected.has(token.accessToken)) return 0;
    return Math.max(0, token.expiresAt - this.#now());
  }
}
