import { storeNotAvailable } from './open-store.js';
import type { OpenedStore } from './opened-store.js';
import type { StoreLocation } from './store-location.js';

// The redis store has not reached this branch yet; this adapter opens it once it does.
export async function openStore(location: StoreLocation): Promise<OpenedStore> {
  return storeNotAvailable(location);
}
