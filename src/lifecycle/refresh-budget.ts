import { createHash } from 'node:crypto';

/** How many refresh requests one refresh token may send in a window; Zoho's limit by default. */
export interface RefreshBudgetOptions {
  /** Default 10: Zoho mints at most 10 access tokens per refresh token in 10 minutes, then answers "Access Denied". */
  readonly requests: number;
  /** Default 600,000 (10 minutes). */
  readonly windowMs: number;
}

export const ZOHO_REFRESH_BUDGET: RefreshBudgetOptions = Object.freeze({ requests: 10, windowMs: 600_000 });

// Refresh tokens whose budget is tracked: more are forgotten oldest first (their windows have long passed).
const MAX_TRACKED = 10_000;

/**
 * The refresh requests this process sent per refresh token in a sliding window, so that the library itself never
 * trips Zoho's limit (retries included): a request over budget is not sent. Kept by a hash of the token, in memory.
 */
export class RefreshBudget {
  readonly #options: RefreshBudgetOptions;
  readonly #now: () => number;
  readonly #sent = new Map<string, number[]>();

  constructor(options: RefreshBudgetOptions, now: () => number) {
    this.#options = options;
    this.#now = now;
  }

  /** The budget of one refresh token: `take()` resolves to null and counts a request, or to the ms to wait. */
  for(refreshToken: string): { take(): number | null } {
    const key = createHash('sha256').update(refreshToken).digest('base64url');
    return { take: () => this.#take(key) };
  }

  #take(key: string): number | null {
    const now = this.#now();
    const { requests, windowMs } = this.#options;
    const sent = (this.#sent.get(key) ?? []).filter((at) => at > now - windowMs);
    if (sent.length >= requests) {
      this.#sent.set(key, sent);
      return (sent[0] as number) + windowMs - now;
    }
    sent.push(now);
    this.#sent.delete(key); // re-inserted last: the most recently used
    this.#sent.set(key, sent);
    if (this.#sent.size > MAX_TRACKED) this.#sent.delete(this.#sent.keys().next().value as string);
    return null;
  }
}
