import type { EncryptionOptions } from '../../encryption/encryption-options.js';
import { booleanOption, checkOptions, connectionUrl } from './location-options.js';
import { openedStore, type OpenedStore } from './opened-store.js';
import type { StoreLocation } from './store-location.js';

const OPTIONS = ['table', 'createDatabase', 'createTable'] as const;

/** `mysql://user:pass@host:3306/zohooauth?table=oauthtoken`: the official table, through MySQLStore. */
export async function openStore(location: StoreLocation, encryption?: EncryptionOptions): Promise<OpenedStore> {
  checkOptions(location, OPTIONS);
  const { MySQLStore } = await import('../../stores/mysql/index.js');
  const table = location.params.get('table');
  const createDatabase = booleanOption(location, 'createDatabase');
  const createTable = booleanOption(location, 'createTable');
  const store = await MySQLStore.open({
    url: connectionUrl(location, OPTIONS),
    ...(table ? { table } : {}),
    ...(createDatabase !== undefined ? { createDatabase } : {}),
    ...(createTable !== undefined ? { createTable } : {}),
    ...(encryption ? { encryption } : {}),
  });
  return openedStore(store, location);
}
