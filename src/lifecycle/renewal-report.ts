// How renewals went, told as lifecycle events (lifecycle-events.ts): each renewal carries a trail of its steps (lock
// waits, store calls, accounts requests) and ends with one `renewalEnded`; the store's calls and the accounts client's
// tries are reported as they happen. The OpenTelemetry signals (telemetry/) are built on these events.
import type { AccountsAttempt } from '../accounts/accounts-client.js';
import { ErrorCode } from '../errors/codes.js';
import type { Logger } from '../logging/logger.js';
import type { Clock } from '../time/clock.js';
import type { LifecycleEvents, LockWaitResult, RenewalOutcome, StoreKind, StoreOperationName } from './lifecycle-events.js';
import { errorTypeOf, type StoreObserver } from './observed-store.js';
import { RenewalTrail, RenewalTrails } from './renewal-trail.js';
import type { TokenCredentials } from './token-cache.js';
import type { Renewal } from './token-renewer.js';

/** Why a stored token was renewed. */
export type RefreshReason = 'missing' | 'expiring' | 'rejected';

export class RenewalReport {
  readonly #events: LifecycleEvents;
  readonly #storeKind: StoreKind;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #trails = new RenewalTrails();

  constructor(events: LifecycleEvents, storeKind: StoreKind, clock: Clock, logger: Logger) {
    this.#events = events;
    this.#storeKind = storeKind;
    this.#clock = clock;
    this.#logger = logger;
  }

  /** The trail of the renewal this call runs in, if any. */
  get trail(): RenewalTrail | undefined {
    return this.#trails.current;
  }

  /** What the store wrapper reports to (observed-store.ts); it times calls only while someone listens. */
  readonly storeObserver: StoreObserver = {
    active: () =>
      this.#events.has('storeOperation') ||
      this.#events.has('lockWait') ||
      this.#events.has('renewalEnded') ||
      this.#events.has('leaseLost'),
    operation: (operation, startedAt, durationMs, error) => this.#storeOperationEnded(operation, startedAt, durationMs, error),
    lockWait: (result, waitMs, startedAt, durationMs, error) => this.#lockWaitEnded(result, waitMs, startedAt, durationMs, error),
    leaseLost: () => this.#events.emit('leaseLost', { storeKind: this.#storeKind }),
  };

  served(credentials: TokenCredentials, source: 'store' | 'refresh'): TokenCredentials {
    if (this.#events.has('served')) {
      const lifeLeftMs = credentials.expiresAt === null ? null : credentials.expiresAt - this.#clock.now();
      this.#events.emit('served', { tokenId: credentials.tokenId, source, lifeLeftMs });
    }
    return credentials;
  }

  /** Runs a renewal with its trail, then tells how it ended (`renewalEnded`). */
  async traced<T>(tokenId: string | null, grantType: 'refresh_token' | 'authorization_code', work: () => Promise<T>): Promise<T> {
    const trail = new RenewalTrail();
    let result: T;
    try {
      result = await this.#trails.run(trail, work);
    } catch (error) {
      this.#renewalEnded(trail, tokenId, grantType, outcomeOf(error), error);
      throw error;
    }
    const outcome: RenewalOutcome = trail.refreshed ? 'refreshed' : trail.graced ? outcomeOf(trail.failure) : 'served_by_other';
    this.#renewalEnded(trail, tokenId, grantType, outcome, trail.graced ? trail.failure : null);
    return result;
  }

  /** A caller that joined a renewal another caller started: `coalesced`, with that renewal's error if it failed. */
  joined(
    run: Promise<TokenCredentials>,
    tokenId: string | null,
    grantType: 'refresh_token' | 'authorization_code',
  ): Promise<TokenCredentials> {
    if (!this.#events.has('renewalEnded')) return run;
    const trail = new RenewalTrail();
    return run.then(
      (credentials) => {
        this.#renewalEnded(trail, tokenId, grantType, 'coalesced', null, false);
        return credentials;
      },
      (error: unknown) => {
        this.#renewalEnded(trail, tokenId, grantType, 'coalesced', error, false);
        throw error;
      },
    );
  }

  #renewalEnded(
    trail: RenewalTrail,
    tokenId: string | null,
    grantType: 'refresh_token' | 'authorization_code',
    outcome: RenewalOutcome,
    error: unknown,
    withSteps = true,
  ): void {
    this.#events.emit('renewalEnded', {
      tokenId,
      outcome,
      grantType,
      serverAddress: trail.serverAddress,
      startedAt: trail.startedAt,
      durationMs: trail.durationMs,
      errorType: error === null || error === undefined ? null : errorTypeOf(error),
      steps: withSteps ? Object.freeze([...trail.steps]) : [],
    });
  }

  readonly onAttempt = (attempt: AccountsAttempt): void => {
    const trail = this.#trails.current;
    if (trail !== undefined) {
      trail.serverAddress ??= attempt.serverAddress;
      trail.steps.push({ kind: 'accounts', ...attempt, inRenewal: true });
    }
    this.#events.emit('accountsRequest', { ...attempt, inRenewal: trail !== undefined });
  };

  #storeOperationEnded(operation: StoreOperationName, startedAt: number, durationMs: number, error: unknown): void {
    const trail = this.#trails.current;
    const event = {
      operation,
      storeKind: this.#storeKind,
      startedAt,
      durationMs,
      errorType: error === null ? null : errorTypeOf(error),
      inRenewal: trail !== undefined,
    };
    trail?.steps.push({ kind: 'store', ...event });
    this.#events.emit('storeOperation', event);
  }

  #lockWaitEnded(result: LockWaitResult, waitMs: number, startedAt: number, durationMs: number, error: unknown): void {
    const trail = this.#trails.current;
    const event = {
      storeKind: this.#storeKind,
      result,
      waitMs,
      startedAt,
      durationMs,
      errorType: error === null ? null : errorTypeOf(error),
      inRenewal: trail !== undefined,
    };
    trail?.steps.push({ kind: 'lock', ...event });
    this.#events.emit('lockWait', event);
  }

  /** The current renewal obtained (and saved) a new access token itself: its trail says so; logged, `refreshed` told. */
  refreshed(renewal: Renewal, reason: RefreshReason | 'authorized'): void {
    const trail = this.#trails.current;
    if (trail !== undefined) trail.refreshed = true;
    const { token } = renewal;
    const tokenId = String(token.id);
    this.#logger.info('access token renewed', {
      tokenId,
      user: token.userName,
      grantType: renewal.grantType,
      reason,
      rotated: renewal.rotated,
    });
    this.#events.emit('refreshed', {
      tokenId,
      userName: token.userName,
      grantType: renewal.grantType,
      reason,
      expiresAt: Number(token.expiresAt),
      rotated: renewal.rotated,
    });
  }

  /** A renewal failed: its trail keeps the error; logged (its code only), `refreshFailed` told. */
  failed(tokenId: string | null, userName: string | null, error: unknown): void {
    const code = (error as { code?: string } | null)?.code ?? 'unknown';
    const trail = this.#trails.current;
    if (trail !== undefined) trail.failure = error;
    this.#logger.warn('token renewal failed', { tokenId, user: userName, code });
    this.#events.emit('refreshFailed', { tokenId, userName, code, error: error instanceof Error ? error : new Error(String(code)) });
  }
}

function outcomeOf(error: unknown): RenewalOutcome {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === ErrorCode.THROTTLED) return 'throttled';
  if (code === ErrorCode.REAUTHORIZATION_REQUIRED) return 'invalid_grant';
  if (code === ErrorCode.ACCOUNTS_UNAVAILABLE) return 'unavailable';
  return 'error';
}
