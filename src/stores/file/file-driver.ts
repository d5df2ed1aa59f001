import { loadOptional } from '../../drivers/load-optional.js';

/** The part of `proper-lockfile` this store calls (described here so the core needs no types package). */
interface ProperLockfile {
  lock(
    file: string,
    options: {
      realpath: boolean;
      lockfilePath: string;
      stale: number;
      /** How often the holder renews the directory's mtime, in ms. */
      update: number;
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
