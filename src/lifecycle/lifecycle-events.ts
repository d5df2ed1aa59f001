import type { ErrorCodeValue } from '../errors/codes.js';
import type { Logger } from '../logging/logger.js';

/**
 * What the token manager tells listeners. Payloads carry token ids, user names, times and error codes: never a
 * token, a secret or a grant code.
 */
export interface LifecycleEventMap {
  /** A new access token was obtained (by refresh, or by exchanging a grant code) and saved. */
  refreshed: {
    readonly tokenId: string;
    readonly userName: string | null;
    readonly grantType: 'refresh_token' | 'authorization_code';
    /** Why: no access token yet, it was expiring, or an API refused it (401 INVALID_TOKEN). */
    readonly reason: 'missing' | 'expiring' | 'rejected' | 'authorized';
    readonly expiresAt: number;
    /** The server sent a new refresh token (rotation); it was saved before the old one could be used again. */
    readonly rotated: boolean;
  };
  /** A refresh or exchange failed; `code` says why (REAUTHORIZATION_REQUIRED, THROTTLED, ACCOUNTS_UNAVAILABLE…). */
  refreshFailed: {
    readonly tokenId: string | null;
    readonly userName: string | null;
    readonly code: ErrorCodeValue | string;
    readonly error: Error;
  };
  /** A token was revoked at the accounts server (`remote: false` when the server no longer knew it) and deleted. */
  revoked: { readonly tokenId: string; readonly userName: string | null; readonly remote: boolean };
  /** A token was written to the store. */
  saved: { readonly tokenId: string; readonly userName: string | null };
}

export type LifecycleEventName = keyof LifecycleEventMap;
export type LifecycleListener<K extends LifecycleEventName> = (event: LifecycleEventMap[K]) => void;

/** Listeners per event. A listener that throws is logged and skipped: it never breaks a token request. */
export class LifecycleEvents {
  readonly #listeners = new Map<LifecycleEventName, Set<LifecycleListener<never>>>();
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Adds a listener; returns a function that removes it. */
  on<K extends LifecycleEventName>(name: K, listener: LifecycleListener<K>): () => void {
    let set = this.#listeners.get(name);
    if (!set) this.#listeners.set(name, (set = new Set()));
    set.add(listener as LifecycleListener<never>);
    return () => this.off(name, listener);
  }

  off<K extends LifecycleEventName>(name: K, listener: LifecycleListener<K>): void {
    this.#listeners.get(name)?.delete(listener as LifecycleListener<never>);
  }

  emit<K extends LifecycleEventName>(name: K, event: LifecycleEventMap[K]): void {
    const set = this.#listeners.get(name);
    if (!set) return;
    for (const listener of set) {
      try {
        Object.freeze(event);
        (listener as LifecycleListener<K>)(event);
      } catch (error) {
        this.#logger.warn('a lifecycle event listener threw; ignored', { event: name, error: (error as Error | null)?.name ?? 'unknown' });
      }
    }
  }
}
