import type { RefreshLease, RefreshLockOptions, RefreshLockProvider, RefreshLockScope } from '../../contract/refresh-lock.js';
import { InProcessLock } from './in-process-lock.js';
import { LeaseBook } from './lease-book.js';
import { MAX_TIMER_MS } from './lock-options.js';
import type { HeldLock, LockEngine } from './lock-engine.js';
import { pollFor, Poller } from './poller.js';

// A signal that never aborts, for waits the caller cannot cancel.
const NEVER = new AbortController().signal;
const NO_LOCAL_LEASE: RefreshLease = Object.freeze({ release: () => Promise.resolve() });

export interface EngineLockOptions {
  readonly scope: RefreshLockScope;
  /** Pauses between tries while another process holds the lock: first and longest, in ms. */
  readonly poll: { readonly firstMs: number; readonly maxMs: number };
  /**
   * Whether callers in this process queue on an in-process lock before they try the engine, so one of them at a
   * time polls it and the next is woken the moment it releases. An engine whose holds can vanish with a session
   * (a lost connection ends the lock on the server) may prefer every caller to ask the engine.
   */
  readonly queueLocally: boolean;
  /** The engine's lock name of a token id (a prefix, a hash); default: the id. */
  readonly nameOf?: (key: string) => string;
}

/**
 * A refresh lock made of an engine's one-shot `tryLock`: callers in this process may queue on an in-process lock
 * first (`queueLocally`), then try the engine, pausing between tries (`Poller`) until the wait bound passes (null:
 * re-read). Leases end
 * by release, by expiry after `leaseMs`, or when the store closes.
 * A release the engine could not carry out is tried again before this process next takes that lock.
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
      await this.#retryRelease(name);
      const held = await this.#take(name, options.leaseMs, poller, signal);
      if (held === null) {
        await local.release();
        return null;
      }
      return this.#leases.lease(async () => {
        await this.#release(name, held);
        await local.release();
      }, options.leaseMs);
    } catch (error) {
      await local.release();
      throw error;
    }
  }

  /** Releases every lease this lock holds (the store is closing; BackendTokenStore has ended the waits). */
  async close(): Promise<void> {
    await this.#leases.releaseAll();
  }

  async #take(name: string, leaseMs: number, poller: Poller, signal: AbortSignal): Promise<HeldLock | null> {
    const held = await pollFor(poller, (waitMs) => this.#engine.tryLock(name, leaseMs, { waitMs, signal }));
    // Taken just as the wait was aborted: nobody will use it.
    if (held !== null && signal.aborted) {
      await this.#release(name, held);
      signal.throwIfAborted();
    }
    return held;
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

  async #retryRelease(name: string): Promise<void> {
    const held = this.#unreleased.get(name);
    if (held !== undefined) await this.#release(name, held);
  }
}
