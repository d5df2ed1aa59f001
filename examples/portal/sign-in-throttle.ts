/** Zoho's limit on grant codes: this many per client per window ("10 in 10 minutes"), shared by every student. */
export interface GrantCodeLimit {
  readonly perWindow: number;
  readonly windowMs: number;
}

export const ZOHO_GRANT_CODE_LIMIT: GrantCodeLimit = Object.freeze({ perWindow: 10, windowMs: 600_000 });

/**
 * Keeps students from signing in when Zoho would refuse. Zoho issues an 11th code in a window but refuses its
 * exchange (`access_denied`, the library's THROTTLED): the student would consent for nothing. So the portal counts
 * the codes it receives the way Zoho counts them (a window that opens with the first code), and while the window is
 * full, "Sign in" shows a wait page instead of sending the student to Zoho. A code counts when it reaches the
 * callback, a little after Zoho counted it, so the portal's window ends no earlier than Zoho's.
 *
 * Codes the portal never sees (another app of the same client, a student who closed the tab after consenting)
 * make Zoho refuse an exchange the portal let through: then THROTTLED pauses sign-ins for `retryAfterMs` (Zoho does
 * not say how much of its window is left; the library advises the whole window), or until the portal's own full
 * window ends if it is full.
 */
export class SignInThrottle {
  readonly #limit: GrantCodeLimit;
  #openedAt: number | null = null;
  #count = 0;
  #pausedUntil = 0;

  constructor(limit: GrantCodeLimit = ZOHO_GRANT_CODE_LIMIT) {
    this.#limit = limit;
  }

  /** Zoho's codes per window: how many students can sign in per window. */
  get perWindow(): number {
    return this.#limit.perWindow;
  }

  /** A grant code came back from Zoho on a sign-in this portal started. */
  codeSeen(now: number): void {
    if (this.#openedAt === null || now >= this.#openedAt + this.#limit.windowMs || now < this.#openedAt) {
      this.#openedAt = now;
      this.#count = 0;
    }
    this.#count += 1;
  }

  /** Zoho refused an exchange as throttled; returns how long sign-ins now wait. */
  throttled(now: number, retryAfterMs: number | null): number {
    const windowEnd = this.#fullWindowEnd(now);
    this.#pausedUntil = Math.max(this.#pausedUntil, windowEnd ?? now + (retryAfterMs ?? this.#limit.windowMs));
    return this.waitMs(now);
  }

  /** How long a sign-in must wait before Zoho would accept its code; 0 when it may start now. */
  waitMs(now: number): number {
    return Math.max(0, this.#pausedUntil - now, (this.#fullWindowEnd(now) ?? now) - now);
  }

  /** When the current window ends, if it is full. */
  #fullWindowEnd(now: number): number | null {
    if (this.#openedAt === null || this.#count < this.#limit.perWindow) return null;
    const end = this.#openedAt + this.#limit.windowMs;
    return now < end ? end : null;
  }
}
