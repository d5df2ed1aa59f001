/** What the emulator has seen, for tests that assert how many requests a client made. */
export interface EmulatorStats {
  /** Refresh-token grant requests seen (all, or for one refresh token), including refused ones. */
  refreshRequests(refreshToken?: string): number;
  /** authorization_code exchanges seen (successful or not). */
  codeExchanges(): number;
  /** Access tokens actually issued for a refresh token (what Zoho's 10-per-10-min limit counts). */
  accessTokensIssued(refreshToken?: string): number;
  /** Revoke requests seen (successful or not); the admin-side `revokeRefreshToken` is not a request. */
  revokes(): number;
  /** Requests refused with the throttle body. */
  throttled(): number;
  /** CRM API requests seen. */
  apiRequests(): number;
  /** CRM API requests answered 401 INVALID_TOKEN. */
  invalidTokenResponses(): number;
  /** Refresh requests with a refresh token rotation had retired (rotating mode): each revoked its whole grant. */
  reusedRefreshTokens(): number;
  reset(): void;
}

/** Keyed counters. Keys are token values kept only in memory, never printed. */
class KeyedCounter {
  readonly #byKey = new Map<string, number>();
  #total = 0;

  add(key: string | undefined): void {
    this.#total += 1;
    if (key !== undefined && key !== '') this.#byKey.set(key, (this.#byKey.get(key) ?? 0) + 1);
  }

  count(key?: string): number {
    return key === undefined ? this.#total : (this.#byKey.get(key) ?? 0);
  }

  reset(): void {
    this.#byKey.clear();
    this.#total = 0;
  }
}

export class StatsRecorder implements EmulatorStats {
  readonly #refreshRequests = new KeyedCounter();
  readonly #accessTokensIssued = new KeyedCounter();
  #codeExchanges = 0;
  #revokes = 0;
  #throttled = 0;
  #apiRequests = 0;
  #invalidTokenResponses = 0;
  #reusedRefreshTokens = 0;

  refreshRequests = (refreshToken?: string): number => this.#refreshRequests.count(refreshToken);
  codeExchanges = (): number => this.#codeExchanges;
  accessTokensIssued = (refreshToken?: string): number => this.#accessTokensIssued.count(refreshToken);
  revokes = (): number => this.#revokes;
  throttled = (): number => this.#throttled;
  apiRequests = (): number => this.#apiRequests;
  invalidTokenResponses = (): number => this.#invalidTokenResponses;
  reusedRefreshTokens = (): number => this.#reusedRefreshTokens;

  reset = (): void => {
    this.#refreshRequests.reset();
    this.#accessTokensIssued.reset();
    this.#codeExchanges = 0;
    this.#revokes = 0;
    this.#throttled = 0;
    this.#apiRequests = 0;
    this.#invalidTokenResponses = 0;
    this.#reusedRefreshTokens = 0;
  };

  sawRefreshRequest(refreshToken: string | undefined): void {
    this.#refreshRequests.add(refreshToken);
  }

  sawCodeExchange(): void {
    this.#codeExchanges += 1;
  }

  issuedFromRefreshToken(refreshToken: string): void {
    this.#accessTokensIssued.add(refreshToken);
  }

  sawRevoke(): void {
    this.#revokes += 1;
  }

  sawThrottle(): void {
    this.#throttled += 1;
  }

  sawApiRequest(): void {
    this.#apiRequests += 1;
  }

  sawInvalidToken(): void {
    this.#invalidTokenResponses += 1;
  }

  sawReusedRefreshToken(): void {
    this.#reusedRefreshTokens += 1;
  }
}
