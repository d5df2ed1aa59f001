import type { TokenStore } from 'zoho-token-store';
import { openStore } from '../../src/cli/stores/open-store.js';

export const DEFAULT_STORE_LOCATION = './zohooauth.db';

export interface PortalStore {
  readonly store: TokenStore;
  close(): Promise<void>;
}

/**
 * Opens the token store a location string names, as `zoho-tokens --store` does: `./zohooauth.db` (SQLite, the
 * default), `file:./tokens.txt`, `mysql://…`, `postgres://…`, `redis://…?prefix=…`. The portal's only store code.
 */
export function openPortalStore(location: string = DEFAULT_STORE_LOCATION): Promise<PortalStore> {
  return openStore(location);
}
