import { stat } from 'node:fs/promises';
import type { FileStore } from '../../stores/file/file-store.js';
import { openStore as openLibraryStore } from '../../stores/location/open-store.js';
import { CliError, usageError } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';
import { storeEncryption } from './cli-encryption.js';
import { inspectTokenFile } from './file-inspection.js';
import type { OpenedStore } from './opened-store.js';
import { parseStoreLocation, type StoreLocation } from '../../stores/location/store-location.js';

export interface CliOpenOptions {
  /**
   * The command adds tokens (login, import --to, migrate --to): a token file or SQLite database that does not
   * exist yet is created. Otherwise (every command that works on stored tokens) a missing file is STORE_NOT_FOUND
   * and nothing is created, so a mistyped path is not taken for an empty store.
   */
  readonly create?: boolean;
}

/** Refuses a file or SQLite location whose file does not exist (exit 2, `STORE_NOT_FOUND`); creates nothing. */
async function assertStoreExists(location: StoreLocation): Promise<void> {
  if ((location.scheme !== 'file' && location.scheme !== 'sqlite') || location.path === null || location.path === ':memory:') return;
  try {
    await stat(location.path);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') return; // anything else is for the store to report
    throw new CliError(
      ExitCode.USAGE,
      `No store at ${location.display}: the file ${location.path} does not exist.`,
      'check the path; only login, import --to and migrate --to create a store',
      { code: 'STORE_NOT_FOUND' },
    );
  }
}

/**
 * Opens the store a location names (a string is parsed first) with the library's `openStore`, encrypted with the
 * key ring of the environment. Stores that live in one process (`memory:`, `list:`) are refused: a command's
 * tokens would be gone when it ends. A missing file is created only with `create`.
 */
export async function openStore(location: StoreLocation | string, options: CliOpenOptions = {}): Promise<OpenedStore> {
  const parsed = typeof location === 'string' ? parseStoreLocation(location) : location;
  if (parsed.scheme === 'memory' || parsed.scheme === 'list') {
    throw usageError(
      `A ${parsed.scheme}: store lives in one process: its tokens would be lost when the command ends.`,
      'name a file, a SQLite database or a server store',
    );
  }
  if (options.create !== true) await assertStoreExists(parsed);
  const encryption = storeEncryption();
  const store = await openLibraryStore(parsed, encryption ? { encryption } : {});
  const close = () => store.close();
  if (parsed.scheme === 'file')
    return { store, location: parsed, close, inspect: () => inspectTokenFile((store as FileStore).config.path) };
  return { store, location: parsed, close };
}

/** Runs `work` with an opened store and always closes it. */
export async function withStore<T>(
  location: StoreLocation | string,
  work: (opened: OpenedStore) => Promise<T>,
  options: CliOpenOptions = {},
): Promise<T> {
  const opened = await openStore(location, options);
  try {
    return await work(opened);
  } finally {
    await opened.close();
  }
}
