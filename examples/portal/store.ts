import { openStore, type BackendTokenStore } from 'zoho-token-store';

export const DEFAULT_STORE_LOCATION = 'sqlite:./zohooauth.db';

/**
 * Opens the token store a location string names with the library's `openStore`: `sqlite:./zohooauth.db` (the
 * default), `file:./tokens.txt`, `mysql://…`, `postgres://…`, `redis://…?prefix=…` (docs/open-store.md). The
 * portal's only store code.
 */
export function openPortalStore(location: string = DEFAULT_STORE_LOCATION): Promise<BackendTokenStore> {
  return openStore(location);
}
