import type { EncryptionOptions } from '../../encryption/encryption-options.js';
import { checkOptions, connectionUrl } from './location-options.js';
import { openedStore, type OpenedStore } from './opened-store.js';
import type { StoreLocation } from './store-location.js';

const OPTIONS = ['prefix'] as const;

/** `redis://[user:pass@]host:6379/0?prefix=zoho:tokens:` (or `rediss://` for TLS), through RedisStore. */
export async function openStore(location: StoreLocation, encryption?: EncryptionOptions): Promise<OpenedStore> {
  checkOptions(location, OPTIONS);
  const { RedisStore } = await import('../../stores/redis/index.js');
  const prefix = location.params.get('prefix');
  const store = new RedisStore({ url: connectionUrl(location, OPTIONS), ...(prefix ? { keyPrefix: prefix } : {}), ...(encryption ? { encryption } : {}) });
  return openedStore(store, location);
}
