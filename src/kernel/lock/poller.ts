import { sleep } from '../../time/sleep.js';

export interface PollerOptions {
  /** How long the poller may wait in all, from now. */
  readonly waitMs: number;
  /** The first pause, in ms; each next one grows by `growth` up to `maxMs`. */
  readonly firstMs: number;
  readonly maxMs: number;
  /**
   * Default 2. Each pause is then about `growth - 1` times the time already waited, so a release is noticed that
   * much late at worst: 1.25 keeps it within a quarter of the wait, for a few more tries.
   */
  readonly growth?: number;
  /** Aborts a pause: `pause` then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/**
 * The wait between tries of something held elsewhere (a lock, a busy file), bounded by a deadline: pauses that grow
 * from `firstMs` to `maxMs`, each between half and one and a half times its step at random, so processes that
 * failed together do not try again together. The one polling loop of every store's locks.
 */
export class Poller {
  readonly #deadline: number;
  readonly #maxMs: number;
  readonly #growth: number;
  readonly #signal: AbortSignal | undefined;
  #stepMs: number;

  constructor(options: PollerOptions) {
    this.#deadline = Date.now() + options.waitMs;
    this.#stepMs = options.firstMs;
    this.#maxMs = options.maxMs;
    this.#growth = options.growth ?? 2;
    this.#signal = options.signal;
  }

  /** Milliseconds left before the deadline (0 once it passed). */
  get leftMs(): number {
    return Math.max(0, this.#deadline - Date.now());
  }

  get expired(): boolean {
    return Date.now() >= this.#deadline;
  }

  /**
   * Sleeps the next step, no longer than the time left or than `hintMs` (when the engine knows when trying again is
   * worth it, e.g. a lease's end); resolves to false, at once, when the deadline has passed.
   */
  async pause(hintMs?: number): Promise<boolean> {
    this.#signal?.throwIfAborted();
    const ms = this.nextStep(hintMs);
    if (ms === 0) return false;
    await sleep(ms, this.#signal);
    return true;
  }

  /**
   * The next pause's length without sleeping it (a wait elsewhere, e.g. on a wake channel, takes its place): at
   * least 1 ms, no longer than the time left or `hintMs`; 0 once the deadline has passed. Moves to the next step.
   */
  nextStep(hintMs?: number): number {
    const left = this.leftMs;
    if (left <= 0) return 0;
    const step = this.#stepMs * (0.5 + Math.random());
    this.#stepMs = Math.min(this.#maxMs, this.#stepMs * this.#growth);
    return Math.max(1, Math.min(step, left, hintMs ?? Infinity));
  }
}

/** What one try of `pollFor` found: the thing, or that it is busy (with when to try again, if known). */
export type PollAttempt<T> = T | { readonly busy: true; readonly retryInMs?: number };

/**
 * Tries `attempt` until it answers something other than busy, pausing with `poller` between tries; resolves to that
 * answer, or to null once the poller's deadline has passed. `attempt` gets the time left (an engine that waits on
 * its server may wait that long).
 */
export async function pollFor<T extends object>(poller: Poller, attempt: (leftMs: number) => Promise<PollAttempt<T>>): Promise<T | null> {
  for (;;) {
    const found = await attempt(poller.leftMs);
    if ((found as { busy?: unknown }).busy !== true) return found as T;
    if (!(await poller.pause((found as { retryInMs?: number }).retryInMs))) return null;
  }
}
