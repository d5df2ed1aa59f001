import type { EncryptionOptions } from '../../encryption/encryption-options.js';
import { checkOptions } from './location-options.js';
import { openedStore, type OpenedStore } from './opened-store.js';
import type { StoreLocation } from './store-location.js';

/** `sqlite:./zohooauth.db`, `sqlite::memory:`: the article's oauthtoken table, through SQLiteStore. */
export async function openStore(location: StoreLocation, encryption?: EncryptionOptions): Promise<OpenedStore> {
  checkOptions(location, []);
  const { SQLiteStore } = await import('../../stores/sqlite/index.js');
  return openedStore(await SQLiteStore.open({ path: location.path as string, ...(encryption ? { encryption } : {}) }), location);
}
