import { sleep } from '../../time/sleep.js';
import { loadOptional } from '../../drivers/load-optional.js';

/** The part of `proper-lockfile` this store calls (described here so the core needs no types package). */
interface ProperLockfile {
  lock(
    file: string,
    options: {
      realpath: boolean;
      lockfilePath: string;
      stale: number;
      retries: number;
      onCompromised: (error: Error) => void;
    },
  ): Promise<() => Promise<void>>;
}

let loaded: Promise<ProperLockfile> | null = null;

/** Loads `proper-lockfile` once, on first use; a missing package is `DRIVER_MISSING` naming it. */
export function loadLockLibrary(): Promise<ProperLockfile> {
  loaded ??= loadOptional<ProperLockfile & { default?: ProperLockfile }>('proper-lockfile', 'FileStore (its cross-process lock)').then(
    (module) => module.default ?? module,
    (error: unknown) => {
      loaded = null;
      throw error;
    },
  );
  return loaded;
}

export interface FileLockOptions {
  /** Where the lock lives: a directory created atomically with mkdir. */
  readonly lockPath: string;
  /** A lock whose holder stopped renewing it for this long is taken over (the holder crashed). At least 2,000. */
  readonly staleMs: number;
  /** How long to wait for a held lock before giving up (`null`). */
  readonly waitMs: number;
  readonly signal?: AbortSignal;
}

export interface FileLockLease {
  release(): Promise<void>;
  /** True once another process took the lock over (this holder stalled longer than the stale bound). */
  readonly compromised: boolean;
}

const FIRST_POLL_MS = 2;
const MAX_POLL_MS = 50;


/**
 * Takes the lock at `options.lockPath`, polling (with a growing, jittered delay) while another holder has it.
 * The holder renews the lock's mtime in the background; a lock nobody renewed for `staleMs` is taken over, which
 * is how a lock left by a killed process is recovered. Resolves to the lease, or `null` after `waitMs`.
 */
export async function acquireFileLock(options: FileLockOptions): Promise<FileLockLease | null> {
  const library = await loadLockLibrary();
  const deadline = Date.now() + options.waitMs;
  let delay = FIRST_POLL_MS;
  for (;;) {
    options.signal?.throwIfAborted();
    let compromised = false;
    try {
      const release = await library.lock(options.lockPath, {
        realpath: false,
        // The lock directory is the path itself; the data file need not exist yet.
        lockfilePath: options.lockPath,
        stale: options.staleMs,
        retries: 0,
        onCompromised: () => {
          compromised = true;
        },
      });
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
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    }
    const left = deadline - Date.now();
    if (left <= 0) return null;
    await sleep(Math.min(left, delay * (0.5 + Math.random())), options.signal);
    delay = Math.min(MAX_POLL_MS, delay * 1.5);
  }
}

function ignoreReleased(error: unknown): void {
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== 'ERELEASED' && code !== 'ENOTACQUIRED' && code !== 'ENOENT') throw error;
}
