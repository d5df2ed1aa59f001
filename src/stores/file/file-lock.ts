import { BUSY, type HeldLock, type LockBusy, type LockEngine } from '../../kernel/lock/lock-engine.js';
import type { LockWakeChannel } from '../../kernel/lock/wake-channel.js';
import { loadLockLibrary } from './file-driver.js';

export interface FileLockLease {
  release(): Promise<void>;
  /** True once another process took the lock over (this holder stalled longer than the stale bound). */
  readonly compromised: boolean;
}

/**
 * One try to take the lock at `lockPath` (a directory created atomically with mkdir): the lease, or null when
 * another holder has it. The holder renews the lock's mtime in the background; a lock nobody renewed for `staleMs`
 * (at least 2,000) is taken over, which is how a lock left by a killed process is recovered.
 */
export async function tryFileLock(lockPath: string, staleMs: number): Promise<FileLockLease | null> {
  const library = await loadLockLibrary();
  let compromised = false;
  let release: () => Promise<void>;
  try {
    release = await library.lock(lockPath, {
      realpath: false,
      // The lock directory is the path itself; the data file need not exist yet.
      lockfilePath: lockPath,
      stale: staleMs,
      retries: 0,
      onCompromised: () => {
        compromised = true;
      },
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') return null;
    throw error;
  }
  let released = false;
  return {
    get compromised() {
      return compromised;
    },
    release: async () => {
      if (released) return;
      released = true;
      // A compromised lock is no longer ours: leave the new holder's directory alone.
      if (!compromised) await release().catch(ignoreReleased);
    },
  };
}

/** Pauses between tries of a held file lock: a write holds it for one read-modify-write. */
export const FILE_LOCK_POLL = { firstMs: 2, maxMs: 50, growth: 1.5 } as const;

/**
 * The refresh lock's engine for every process of the host: a lock directory per token, next to the file. Its stale
 * bound is the lease (at least 2 s, proper-lockfile's floor), so a holder that died frees it when its lease ends.
 */
export class FileLockEngine implements LockEngine {
  /** The lock directories' folder, watched while someone waits: a release removes a directory, which wakes them. */
  readonly wake: LockWakeChannel | undefined;

  constructor(wake?: LockWakeChannel) {
    this.wake = wake;
  }

  async tryLock(lockPath: string, leaseMs: number): Promise<HeldLock | LockBusy> {
    const lease = await tryFileLock(lockPath, Math.max(leaseMs, 2_000));
    if (lease === null) return BUSY;
    // proper-lockfile renews the directory's mtime while this process runs; a paused one lets it go stale.
    return { release: () => lease.release(), extend: async () => !lease.compromised };
  }
}

function ignoreReleased(error: unknown): void {
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== 'ERELEASED' && code !== 'ENOTACQUIRED' && code !== 'ENOENT') throw error;
}
