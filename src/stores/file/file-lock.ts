import { mkdir, rm, stat } from 'node:fs/promises';
import { BUSY, type HeldLock, type LockBusy, type LockEngine } from '../../kernel/lock/lock-engine.js';
import type { LockWakeChannel } from '../../kernel/lock/wake-channel.js';
import { loadLockLibrary } from './file-driver.js';

export interface FileLockLease {
  release(): Promise<void>;
  /** True once another process took the lock over (this holder stalled longer than the stale bound). */
  readonly compromised: boolean;
}

// proper-lockfile never judges a lock stale itself here: its own takeover (stat, rmdir, mkdir) lets two processes
// that found a lock stale at once both take it, the second removing the directory the first just made
// (node-proper-lockfile#121; measured: 8 concurrent tries on a stale lock, two or more winners in 43 of 300 rounds).
// The takeover below runs one process at a time instead.
const NEVER_STALE_MS = 365 * 24 * 60 * 60 * 1_000;
// A takeover gate lasts a few file operations; one this old was left by a process that died during its takeover.
const GATE_STALE_MS = 10_000;

type LockLibrary = Awaited<ReturnType<typeof loadLockLibrary>>;
type LockOptions = Parameters<LockLibrary['lock']>[1];

/**
 * One try to take the lock at `lockPath` (a directory created atomically with mkdir): the lease, or null when
 * another holder has it. The holder renews the lock's mtime in the background; a lock nobody renewed for `staleMs`
 * (at least 2,000) is taken over, which is how a lock left by a killed process is recovered.
 */
export async function tryFileLock(lockPath: string, staleMs: number): Promise<FileLockLease | null> {
  const library = await loadLockLibrary();
  let compromised = false;
  const options: LockOptions = {
    realpath: false,
    // The lock directory is the path itself; the data file need not exist yet.
    lockfilePath: lockPath,
    stale: NEVER_STALE_MS,
    // Renewed twice per stale bound; a renewal that finds another holder's mtime marks this lease compromised.
    update: Math.max(1_000, Math.floor(Math.max(staleMs, 2_000) / 2)),
    retries: 0,
    onCompromised: () => {
      compromised = true;
    },
  };
  const release = (await take(library, lockPath, options)) ?? (await takeOver(library, lockPath, staleMs, options));
  if (release === null) return null;
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

/** mkdir through the library (which then renews it): its release function, or null when the directory exists. */
async function take(library: LockLibrary, lockPath: string, options: LockOptions): Promise<(() => Promise<void>) | null> {
  try {
    return await library.lock(lockPath, options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') return null;
    throw error;
  }
}

/**
 * Takes over a lock nobody renewed for `staleMs`, one process at a time: a gate directory beside it (mkdir is atomic)
 * admits one taker, who checks again that the lock is stale, removes it and makes its own. Null when the lock is
 * live, gone (the next try takes it), or another process is taking it over.
 */
async function takeOver(
  library: LockLibrary,
  lockPath: string,
  staleMs: number,
  options: LockOptions,
): Promise<(() => Promise<void>) | null> {
  if (!(await olderThan(lockPath, staleMs))) return null;
  const gate = `${lockPath}.takeover`;
  try {
    await mkdir(gate);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (await olderThan(gate, GATE_STALE_MS)) await rm(gate, { recursive: true, force: true });
    return null;
  }
  try {
    if (!(await olderThan(lockPath, staleMs))) return null;
    await rm(lockPath, { recursive: true, force: true });
    return await take(library, lockPath, options);
  } finally {
    await rm(gate, { recursive: true, force: true });
  }
}

/** Whether `path` exists and was last modified more than `ms` ago. */
async function olderThan(path: string, ms: number): Promise<boolean> {
  try {
    return (await stat(path)).mtimeMs < Date.now() - ms;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
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
