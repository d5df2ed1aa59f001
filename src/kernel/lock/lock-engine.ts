import type { LockWakeChannel } from './wake-channel.js';

/** A lock an engine holds for this process, as the engine hands it to the kernel. */
export interface HeldLock {
  /**
   * Ends the hold if it is still this holder's (a compare-and-delete, an unlock on the session that took it). The
   * kernel calls it once; when it rejects, the kernel calls it again before this process next takes the same lock.
   */
  release(): Promise<void>;
  /**
   * Pushes the lease's end to `leaseMs` from now, if the lock is still this holder's: the heartbeat of a holder whose
   * work (a slow refresh) outlasts a lease. Resolves to false when the lock is no longer this holder's (the lease ran
   * out and another caller took it, or the session holding it ended). An engine whose lock ends only with its
   * holder's session may leave it out.
   */
  extend?(leaseMs: number): Promise<boolean>;
}

/** Someone else holds the lock. */
export interface LockBusy {
  readonly busy: true;
  /** When another try is worth it at the soonest, when the engine knows (the holder's lease ends then). */
  readonly retryInMs?: number;
}

export const BUSY: LockBusy = Object.freeze({ busy: true });

export const isBusy = (attempt: HeldLock | LockBusy): attempt is LockBusy => (attempt as LockBusy).busy === true;

/** What an engine's lock attempt may use. */
export interface LockAttemptOptions {
  /** An engine that can wait on its server (MySQL's GET_LOCK) may wait this long; others answer at once. */
  readonly waitMs: number;
  /** Aborts a wait on the server; the attempt then rejects with the signal's reason. */
  readonly signal: AbortSignal;
}

/**
 * The engine's part of a refresh lock: one attempt to take a named lock with a lease. Waiting, polling, deadlines,
 * the in-process queue, lease expiry, releasing on close and the option checks are the kernel's (`EngineLock`).
 */
export interface LockEngine {
  /** How the engine wakes this process's waiters when a holder releases; without one, waiters poll. */
  readonly wake?: LockWakeChannel;
  tryLock(name: string, leaseMs: number, options: LockAttemptOptions): Promise<HeldLock | LockBusy>;
}
