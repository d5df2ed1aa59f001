import { storeEncryption } from './cli-encryption.js';
import type { OpenedStore, OpenStore } from './opened-store.js';
import { parseStoreLocation, type StoreLocation, type StoreScheme } from './store-location.js';

/**
 * One adapter file per scheme, imported only when a location names it, so `list` on a file never loads a
 * database driver. A new store is one more `<scheme>-adapter.ts` and one line here.
 */
const ADAPTERS: Record<StoreScheme, () => Promise<{ openStore: OpenStore }>> = {
  file: () => import('./file-adapter.js'),
  sqlite: () => import('./sqlite-adapter.js'),
  mysql: () => import('./mysql-adapter.js'),
  postgres: () => import('./postgres-adapter.js'),
  redis: () => import('./redis-adapter.js'),
};

/** Opens the store a location names (a string is parsed first). */
export async function openStore(location: StoreLocation | string): Promise<OpenedStore> {
  const parsed = typeof location === 'string' ? parseStoreLocation(location) : location;
  const adapter = await ADAPTERS[parsed.scheme]();
  return adapter.openStore(parsed, storeEncryption());
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
