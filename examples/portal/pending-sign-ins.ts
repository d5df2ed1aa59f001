import { randomBytes } from 'node:crypto';

/** How long a student has between "Sign in with Zoho" and Zoho's redirect back. */
export const SIGN_IN_TTL_MS = 10 * 60_000;
/** Pending sign-ins kept at most (about 300 bytes each: 10,000 ≈ 3 MB); one more drops the oldest. */
export const MAX_PENDING_SIGN_INS = 10_000;

/** An unguessable value: a sign-in's `state`, or the browser nonce its cookie holds. */
export const newNonce = (): string => randomBytes(16).toString('base64url');

export interface PendingSignIn {
  /** The PKCE verifier: it never leaves the server. */
  readonly verifier: string;
  /** The nonce of the sign-in cookie of the browser that started it: the callback must come back with it. */
  readonly browser: string;
  readonly startedAt: number;
}

/**
 * Sign-ins waiting for Zoho's redirect, by `state`. Bounded: anyone can start a sign-in without an account, so at
 * most MAX_PENDING_SIGN_INS are kept, each for SIGN_IN_TTL_MS, and when full the oldest is dropped (its student
 * is told the sign-in expired and starts again). A Map keeps them in start order, so both the expired ones and
 * the oldest are at its front: every add and take costs O(1), however many requests came before.
 */
export class PendingSignIns {
  readonly #byState = new Map<string, PendingSignIn>();
  readonly #max: number;

  constructor(max = MAX_PENDING_SIGN_INS) {
    this.#max = max;
  }

  get size(): number {
    return this.#byState.size;
  }

  add(state: string, verifier: string, browser: string, now: number): void {
    this.#dropExpired(now);
    while (this.#byState.size >= this.#max) this.#byState.delete(this.#byState.keys().next().value as string);
    this.#byState.set(state, { verifier, browser, startedAt: now });
  }

  /** The live sign-in with that state, removed so that it is used once, whatever the outcome; else null. */
  take(state: string, now: number): PendingSignIn | null {
    const pending = this.#byState.get(state);
    if (!pending) return null;
    this.#byState.delete(state);
    return now - pending.startedAt <= SIGN_IN_TTL_MS ? pending : null;
  }

  #dropExpired(now: number): void {
    for (const [state, pending] of this.#byState) {
      if (now - pending.startedAt <= SIGN_IN_TTL_MS) return;
      this.#byState.delete(state);
    }
  }
}
