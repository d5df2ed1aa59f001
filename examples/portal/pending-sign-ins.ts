import { randomBytes } from 'node:crypto';

const SIGN_IN_TTL_MS = 10 * 60_000;

/** The `state` of one sign-in: unguessable, single use, bound to the browser that started it. */
export const newState = (): string => randomBytes(16).toString('base64url');

interface PendingSignIn {
  readonly verifier: string;
  readonly startedAt: number;
}

/**
 * Sign-ins waiting for Zoho's redirect, by `state`, kept on the server so the PKCE verifier never reaches the
 * browser. Each is taken once: a replayed or forged callback finds nothing.
 */
export class PendingSignIns {
  readonly #byState = new Map<string, PendingSignIn>();

  add(state: string, verifier: string, now = Date.now()): void {
    for (const [key, pending] of this.#byState) if (now - pending.startedAt > SIGN_IN_TTL_MS) this.#byState.delete(key);
    this.#byState.set(state, { verifier, startedAt: now });
  }

  /** The verifier of a live sign-in with that state, removed so it can be used only once. */
  take(state: string, now = Date.now()): string | null {
    const pending = this.#byState.get(state);
    this.#byState.delete(state);
    return pending && now - pending.startedAt <= SIGN_IN_TTL_MS ? pending.verifier : null;
  }
}
