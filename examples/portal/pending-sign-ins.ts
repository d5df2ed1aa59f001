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
 * is told the sign-in expired and starts again). Every add and take costs O(1) however many came before: the start
 * order is kept in an array with a moving head (a Map's own order would do, but V8 walks over every deleted entry
 * at its front to find the first live one, which makes "drop the oldest" slower the longer a flood lasts).
 */
export class PendingSignIns {
  readonly #byState = new Map<string, PendingSignIn>();
  readonly #max: number;
  /** States in start order from #head on; some may have been taken already (skipped when reached). */
  #order: string[] = [];
  #head = 0;

  constructor(max = MAX_PENDING_SIGN_INS) {
    this.#max = max;
  }

  get size(): number {
    return this.#byState.size;
  }

  add(state: string, verifier: string, browser: string, now: number): void {
    this.#dropExpired(now);
    while (this.#byState.size >= this.#max) this.#byState.delete(this.#oldest());
    this.#byState.set(state, { verifier, browser, startedAt: now });
    this.#order.push(state);
    this.#compact();
  }

  /** The live sign-in with that state, removed so that it is used once, whatever the outcome; else null. */
  take(state: string, now: number): PendingSignIn | null {
    const pending = this.#byState.get(state);
    if (!pending) return null;
    this.#byState.delete(state);
    return now - pending.startedAt <= SIGN_IN_TTL_MS ? pending : null;
  }

  /** The state of the oldest sign-in still pending (there is one: called only when the map is full). */
  #oldest(): string {
    for (;;) {
      const state = this.#order[this.#head++] as string;
      if (this.#byState.has(state)) return state;
    }
  }

  #dropExpired(now: number): void {
    while (this.#head < this.#order.length) {
      const state = this.#order[this.#head] as string;
      const pending = this.#byState.get(state);
      if (pending && now - pending.startedAt <= SIGN_IN_TTL_MS) return;
      if (pending) this.#byState.delete(state);
      this.#head += 1;
    }
  }

  /** Keeps the order array near the map's size: drops what the head has passed, and states taken meanwhile. */
  #compact(): void {
    const length = this.#order.length - this.#head;
    if (this.#head > 1_024 && this.#head >= length) {
      this.#order = this.#order.slice(this.#head);
      this.#head = 0;
    } else if (length > 2 * this.#max + 1_024) {
      this.#order = this.#order.slice(this.#head).filter((state) => this.#byState.has(state));
      this.#head = 0;
    }
  }
}
