import type { FileStore } from '../../stores/file/file-store.js';
import { openStore as openLibraryStore } from '../../stores/location/open-store.js';
import { usageError } from '../cli-error.js';
import { storeEncryption } from './cli-encryption.js';
import { inspectTokenFile } from './file-inspection.js';
import type { OpenedStore } from './opened-store.js';
import { parseStoreLocation, type StoreLocation } from './store-location.js';

/**
 * Opens the store a location names (a string is parsed first) with the library's `openStore`, encrypted with the
 * key ring of the environment. Stores that live in one process (`memory:`, `list:`) are refused: a command's
 * tokens would be gone when it ends.
 */
export async function openStore(location: StoreLocation | string): Promise<OpenedStore> {
  const parsed = typeof location === 'string' ? parseStoreLocation(location) : location;
  if (parsed.scheme === 'memory' || parsed.scheme === 'list') {
    throw usageError(`A ${parsed.scheme}: store lives in one process: its tokens would be lost when the command ends.`, 'name a file, a SQLite database or a server store');
  }
  const encryption = storeEncryption();
  const store = await openLibraryStore(parsed, encryption ? { encryption } : {});
  const close = () => store.close();
  if (parsed.scheme === 'file') return { store, location: parsed, close, inspect: () => inspectTokenFile((store as FileStore).config.path) };
  return { store, location: parsed, close };
}

/** Runs `work` with an opened store and always closes it. */
export async function withStore<T>(location: StoreLocation | string, work: (opened: OpenedStore) => Promise<T>): Promise<T> {
  const opened = await openStore(location);
  try {
    return await work(opened);
  } finally {
    await opened.close();
  }
}
