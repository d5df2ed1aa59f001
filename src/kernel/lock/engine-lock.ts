import type { RefreshLease, RefreshLockOptions, RefreshLockProvider, RefreshLockScope } from '../../contract/refresh-lock.js';
import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import { InProcessLock } from './in-process-lock.js';
import { LeaseBook, type BookedLease } from './lease-book.js';
import { BUSY, isBusy, type HeldLock, type LockBusy, type LockEngine } from './lock-engine.js';
import { MAX_TIMER_MS } from './lock-options.js';
import { publishLockWait } from './lock-events.js';
import { Poller } from './poller.js';
import type { LockWatch } from './wake-channel.js';

// A signal that never aborts, for waits the caller cannot cancel.
const NEVER = new AbortController().signal;
const WAITING_FOR_WAKE = Object.freeze({ waiting: 'wake' } as const);
const WAITING_FOR_POLL = Object.freeze({ waiting: 'poll' } as const);
const WOKEN = Object.freeze({ woken: true } as const);
const NO_LOCAL_LEASE: RefreshLease = Object.freeze({ release: () => Promise.resolve() });

export interface EngineLockOptions {
  readonly scope: RefreshLockScope;
  /**
   * Pauses between tries while another process holds the lock and the engine cannot wake this one (no wake channel,
   * or its connection is down), and while the engine is unreachable: first and longest, in ms. Each pause is also
   * bounded by the holder's lease end when the engine tells it.
   */
  readonly poll: { readonly firstMs: number; readonly maxMs: number; readonly growth?: number };
  /**
   * Whether callers in this process queue on an in-process lock before they try the engine, so one of them at a
   * time polls it and the next is woken the moment it releases. An engine whose holds can vanish with a session
   * (a lost connection ends the lock on the server) may prefer every caller to ask the engine.
   */
  readonly queueLocally: boolean;
  /** The engine's lock name of a token id (a prefix, a hash); default: the id. */
  readonly nameOf?: (key: string) => string;
}

/** A store error that says the engine could not be reached: worth another try while the wait lasts. */
const isUnavailable = (error: unknown): boolean => error instanceof TokenStoreError && error.code === ErrorCode.STORE_UNAVAILABLE;

/**
 * A refresh lock made of an engine's one-shot `tryLock`: callers in this process may queue on an in-process lock
 * first (`queueLocally`), then try the engine, pausing between tries (`Poller`) until the wait bound passes (null:
 * re-read). An engine that cannot be reached (STORE_UNAVAILABLE) is tried again within the wait, so a short outage
 * (a restarting server) costs time, not an error; past the wait, its last error is the rejection. Leases end by
 * release, by expiry after `leaseMs`, or when the store closes; with `keepAliveMs`, a heartbeat extends the lease in
 * the engine every third of `leaseMs` while the holder lives, and a heartbeat that finds the lock taken ends the lease
 * as lost. A release the engine could not carry out is tried again before this process next takes that lock.
 */
export class EngineLock implements RefreshLockProvider {
  readonly refreshLockScope: RefreshLockScope;
  readonly #engine: LockEngine;
  readonly #options: EngineLockOptions;
  readonly #local = new InProcessLock();
  readonly #leases = new LeaseBook();
  /** Holds whose release failed, by lock name. */
  readonly #unreleased = new Map<string, HeldLock>();

  constructor(engine: LockEngine, options: EngineLockOptions) {
    this.#engine = engine;
    this.#options = options;
    this.refreshLockScope = options.scope;
  }

  /** Expects options checked by `checkRefreshLockOptions` (BackendTokenStore does it). */
  async acquireRefreshLock(key: string, options: RefreshLockOptions): Promise<RefreshLease | null> {
    const signal = options.signal ?? NEVER;
    signal.throwIfAborted();
    const poller = new Poller({ waitMs: options.waitMs, ...this.#options.poll, signal });
    // The engine's lease governs; the in-process one only has to outlive it.
    const local = this.#options.queueLocally
      ? await this.#local.acquireRefreshLock(key, { waitMs: options.waitMs, leaseMs: MAX_TIMER_MS, signal })
      : NO_LOCAL_LEASE;
    if (local === null) return null;
    try {
      const name = this.#options.nameOf?.(key) ?? key;
      const held = await this.#take(name, options.leaseMs, poller, signal);
      if (held === null) {
        await local.release();
        return null;
      }
      let stopBeating = (): void => undefined;
      const booked = this.#leases.lease(async () => {
        stopBeating();
        await this.#release(name, held);
        await local.release();
      }, options.leaseMs);
      if ((options.keepAliveMs ?? 0) > 0) stopBeating = this.#heartbeat(held, booked, options.leaseMs, options.keepAliveMs ?? 0);
      return booked.lease;
    } catch (error) {
      await local.release();
      throw error;
    }
  }

  /** Releases every lease this lock holds (the store is closing; BackendTokenStore has ended the waits). */
  async close(): Promise<void> {
    await this.#leases.releaseAll();
    await this.#engine.wake?.close();
  }

  async #take(name: string, leaseMs: number, poller: Poller, signal: AbortSignal): Promise<HeldLock | null> {
    let outage: unknown = null;
    let watch: LockWatch | null = null;
    const attempt = async (): Promise<HeldLock | LockBusy> => {
      try {
        // A hold of this process's that it could not release is over: end it first (its lease would, later).
        await this.#retryRelease(name);
        const found = await this.#engine.tryLock(name, leaseMs, { waitMs: poller.leftMs, signal });
        outage = null;
        return found;
      } catch (error) {
        if (!isUnavailable(error) || signal.aborted) throw error;
        outage = error;
        return BUSY;
      }
    };
    let held: HeldLock | null = null;
    try {
      let found = await attempt();
      // Busy: watch for the holder's release, then try again at once, so a release in between is not missed.
      if (isBusy(found) && outage === null && this.#engine.wake !== undefined && poller.leftMs > 0) {
        watch = await this.#engine.wake.watch(name).catch(() => null);
        if (watch !== null) found = await attempt();
      }
      while (isBusy(found)) {
        const leftMs = poller.leftMs;
        if (leftMs <= 0) break;
        if (watch !== null && outage === null) {
          // Woken by the engine, or at the holder's lease end (a holder that died announces nothing), or after a
          // tenth of a lease at most, which bounds what a lost wake costs. A watch that cannot wake answers at once.
          // A channel that hears this host alone is waited on for a poll step at most: the holder may be elsewhere.
          const boundMs =
            this.#engine.wake?.reach === 'host'
              ? poller.nextStep(found.retryInMs)
              : Math.min(leftMs, found.retryInMs ?? leaseMs, Math.max(this.#options.poll.maxMs, leaseMs / 10));
          publishLockWait(WAITING_FOR_WAKE);
          const outcome = await watch.wait(boundMs, signal);
          if (outcome === 'woken') publishLockWait(WOKEN);
          else if (outcome === 'unable') {
            // The watch cannot wake now (its connection is down or not yet trusted): poll like an engine without one.
            publishLockWait(WAITING_FOR_POLL);
            if (!(await poller.pause(found.retryInMs))) break;
          }
        } else {
          publishLockWait(WAITING_FOR_POLL);
          if (!(await poller.pause(found.retryInMs))) break;
        }
        found = await attempt();
      }
      if (!isBusy(found)) held = found;
    } finally {
      watch?.close();
    }
    // The wait ended while the engine could not be reached: that, not a busy lock, is why.
    if (held === null && outage !== null) throw outage;
    // Taken just as the wait was aborted: nobody will use it.
    if (held !== null && signal.aborted) {
      await this.#release(name, held);
      signal.throwIfAborted();
    }
    return held;
  }

  /**
   * Extends the lease in the engine every third of `leaseMs` until `keepAliveMs` has passed. A beat the engine
   * refuses (the lock is someone else's now) ends the lease as lost; a beat that cannot reach the engine is tried
   * again at the next one, and the lease runs out by itself if none gets through. Resolves to a stop function.
   */
  #heartbeat(held: HeldLock, booked: BookedLease, leaseMs: number, keepAliveMs: number): () => void {
    const until = Date.now() + keepAliveMs;
    let beating = false;
    const timer = setInterval(
      () => {
        if (beating) return;
        if (Date.now() >= until) {
          clearInterval(timer);
          return;
        }
        beating = true;
        void (async () => {
          try {
            const kept = held.extend === undefined ? true : await held.extend(leaseMs);
            if (kept) booked.renew(leaseMs);
            else await booked.lose();
          } catch {
            // Unreachable now: the next beat tries again.
          } finally {
            beating = false;
          }
        })();
      },
      Math.max(1, Math.floor(leaseMs / 3)),
    );
    timer.unref();
    return () => clearInterval(timer);
  }

  async #release(name: string, held: HeldLock): Promise<void> {
    try {
      await held.release();
      this.#unreleased.delete(name);
    } catch {
      // The lease runs out on its own; meanwhile this process, which knows the hold is over, ends it first.
      this.#unreleased.set(name, held);
    }
  }

  /** Releases a hold of `name` whose release failed earlier; an engine still unreachable throws its error. */
  async #retryRelease(name: string): Promise<void> {
    const held = this.#unreleased.get(name);
    if (held === undefined) return;
    try {
      await held.release();
      this.#unreleased.delete(name);
    } catch (error) {
      if (isUnavailable(error)) throw error;
      // Any other failure: the hold's lease ends it in time, as it would have.
    }
  }
}
