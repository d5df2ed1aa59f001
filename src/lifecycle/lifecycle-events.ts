import type { ErrorCodeValue } from '../errors/codes.js';
import type { Logger } from '../logging/logger.js';
import type { AccountsAttempt } from '../accounts/accounts-client.js';

/** How a caller that needed a new access token got one (or did not). */
export type RenewalOutcome = 'refreshed' | 'coalesced' | 'served_by_other' | 'throttled' | 'invalid_grant' | 'unavailable' | 'error';
/** A store method the manager called. */
export type StoreOperationName = 'findToken' | 'findTokenById' | 'saveToken' | 'saveTokenIf' | 'deleteToken';
/** How a wait for the refresh lock ended: taken, held by another (a try without waiting), the wait passed, or the store failed. */
export type LockWaitResult = 'acquired' | 'busy' | 'timeout' | 'backend_error';
/**
 * What kind of store the manager uses: a store of this package, or `other` (a custom store, an encrypted wrapper).
 * A closed set, so telemetry attributes never carry a class name a user chose.
 */
export type StoreKind = 'memory' | 'list' | 'file' | 'sqlite' | 'mysql' | 'postgresql' | 'redis' | 'dynamodb' | 'other';

/** Times every timed event carries: epoch ms from `performance` (real time, never the manager's clock option). */
interface Timed {
  readonly startedAt: number;
  readonly durationMs: number;
  /** The error code (or error name) when it failed, else null. */
  readonly errorType: string | null;
  /** Part of a renewal: the step is also listed in that renewal's `renewalEnded.steps`. */
  readonly inRenewal: boolean;
}

export interface StoreOperationEvent extends Timed {
  readonly operation: StoreOperationName;
  readonly storeKind: StoreKind;
}

export interface LockWaitEvent extends Timed {
  readonly storeKind: StoreKind;
  readonly result: LockWaitResult;
  /** The longest the caller was willing to wait, ms (0: a try without waiting). */
  readonly waitMs: number;
}

export interface AccountsRequestEvent extends AccountsAttempt {
  readonly inRenewal: boolean;
}

/** A step of a renewal, in the order it ended. */
export type RenewalStep =
  | ({ readonly kind: 'store' } & StoreOperationEvent)
  | ({ readonly kind: 'lock' } & LockWaitEvent)
  | ({ readonly kind: 'accounts' } & AccountsRequestEvent);

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
  /**
   * A token request that missed the cache was served: from the store as it was (`store`), or after a renewal
   * (`refresh`, whoever did it). Requests served from the cache emit nothing (it would cost more than the lookup);
   * `TokenManager.cacheServes` counts them.
   */
  served: {
    readonly tokenId: string;
    readonly source: 'store' | 'refresh';
    /** Milliseconds the served access token has left (by the manager's clock); null when its expiry is unknown. */
    readonly lifeLeftMs: number | null;
  };
  /**
   * A caller that needed a new access token got it, or an error: once per renewal run (`steps`: the store calls, lock
   * waits and accounts requests it made), and once per caller that joined another caller's run (`coalesced`, no steps).
   */
  renewalEnded: {
    readonly tokenId: string | null;
    readonly outcome: RenewalOutcome;
    readonly grantType: 'refresh_token' | 'authorization_code';
    /** The accounts server's host name, when a request was sent. */
    readonly serverAddress: string | null;
    readonly startedAt: number;
    readonly durationMs: number;
    readonly errorType: string | null;
    readonly steps: readonly RenewalStep[];
  };
  /** A store call the manager made ended. */
  storeOperation: StoreOperationEvent;
  /** A wait for the store's refresh lock ended. */
  lockWait: LockWaitEvent;
  /** A refresh-lock lease ended before its holder released it (it ran out, or a heartbeat found the lock taken). */
  leaseLost: { readonly storeKind: StoreKind };
  /** A request to the accounts server (one try; retries are requests too) ended. */
  accountsRequest: AccountsRequestEvent;
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

  /** Whether anything listens to `name`: lets a caller skip timing what nobody will hear of. */
  has(name: LifecycleEventName): boolean {
    return (this.#listeners.get(name)?.size ?? 0) > 0;
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
