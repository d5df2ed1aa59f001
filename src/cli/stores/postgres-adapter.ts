import type { EncryptionOptions } from '../../encryption/encryption-options.js';
import { connectionUrl } from './location-options.js';
import { openedStore, type OpenedStore } from './opened-store.js';
import type { StoreLocation } from './store-location.js';

const OPTIONS = ['schema', 'table'] as const;

/**
 * `postgres://user:pass@host:5432/db?schema=public&table=oauthtoken`: the official table, through PostgresStore.
 * Other query parameters (sslmode, …) go to the driver with the URL.
 */
export async function openStore(location: StoreLocation, encryption?: EncryptionOptions): Promise<OpenedStore> {
  const { PostgresStore } = await import('../../stores/postgres/index.js');
  const schema = location.params.get('schema');
  const table = location.params.get('table');
  const store = await PostgresStore.open({
    connection: connectionUrl(location, OPTIONS),
    ...(schema ? { schema } : {}),
    ...(table ? { table } : {}),
    ...(encryption ? { encryption } : {}),
  });
  return openedStore(store, location);
}
