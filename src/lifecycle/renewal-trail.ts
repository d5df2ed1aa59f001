import { AsyncLocalStorage } from 'node:async_hooks';
import type { RenewalStep } from './lifecycle-events.js';

/** What one renewal run did, gathered while it runs: its steps, whether it refreshed, and how it failed. */
export class RenewalTrail {
  readonly startedAt = performance.timeOrigin + performance.now();
  readonly #started = performance.now();
  readonly steps: RenewalStep[] = [];
  /** Set when this run obtained a new access token itself (and saved it). */
  refreshed = false;
  /** The renewal failure this run met, even when a still-valid access token was served after it (grace). */
  failure: unknown = null;
  /** Set when the current access token was served after that failure (it had not expired yet). */
  graced = false;
  serverAddress: string | null = null;

  get durationMs(): number {
    return performance.now() - this.#started;
  }
}

/**
 * The trail of the renewal the current async context belongs to: the store calls, lock waits and accounts requests
 * made on its behalf are listed in it, wherever in the manager they are made.
 */
export class RenewalTrails {
  readonly #storage = new AsyncLocalStorage<RenewalTrail>();

  run<T>(trail: RenewalTrail, work: () => Promise<T>): Promise<T> {
    return this.#storage.run(trail, work);
  }

  get current(): RenewalTrail | undefined {
    return this.#storage.getStore();
  }
}
