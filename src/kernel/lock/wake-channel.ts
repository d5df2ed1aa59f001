/**
 * A way for an engine to wake this process's waiters when a lock's holder releases it (or commits and releases),
 * instead of leaving them to poll. The kernel opens a watch after a first busy attempt and tries again at once (so a
 * release between that attempt and the watch is not missed); it then waits on the watch, bounded by the holder's
 * lease: a holder that dies or a wake that is lost costs that wait, never correctness, since the lock itself is
 * still taken only by `tryLock`.
 */
export interface LockWakeChannel {
  /**
   * 'host' when the channel only hears releases made on this host (a signal file): a holder on another host
   * announces nothing here, so each wait is bounded by the poll step, and waiters on other hosts learn of a release
   * at the poll's pace. Absent: every holder's release reaches the channel.
   */
  readonly reach?: 'host';
  /** Starts watching `name`; null when the channel cannot watch now (the kernel then polls). Must not reject. */
  watch(name: string): Promise<LockWatch | null>;
  /** Ends the channel's connections (the store is closing). */
  close(): Promise<void>;
}

export type WakeOutcome = 'woken' | 'timeout' | 'unable';

export interface LockWatch {
  /**
   * Waits at most `ms` for the lock to be released: 'woken' when the engine said it was (since the watch opened or
   * the last wait), 'timeout' when `ms` passed, 'unable' at once when the watch cannot wake now (its connection
   * dropped: the kernel then polls). Rejects with the signal's reason when it aborts.
   */
  wait(ms: number, signal: AbortSignal): Promise<WakeOutcome>;
  /** Stops watching. */
  close(): void;
}
