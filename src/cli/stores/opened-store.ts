import type { ReencryptResult } from '../../contract/token-backend.js';
import type { TokenStore } from '../../contract/token-store.js';
import type { RefreshLockProvider } from '../../contract/refresh-lock.js';
import type { StoreLocation } from '../../stores/location/store-location.js';

/** A store the CLI opened from a location. Stores that offer the refresh lock expose it on `store`. */
export type CliTokenStore = TokenStore & Partial<RefreshLockProvider> & { reencrypt?(): Promise<ReencryptResult> };

/** One engine-specific finding for `doctor` (file permissions, schema…). */
export interface StoreFinding {
  readonly ok: boolean;
  /** `warn` findings do not fail `doctor`. */
  readonly severity?: 'error' | 'warn';
  readonly check: string;
  readonly message: string;
  readonly hint?: string;
}

export interface OpenedStore {
  readonly store: CliTokenStore;
  readonly location: StoreLocation;
  /** Closes the store. Safe to call twice. */
  close(): Promise<void>;
  /** Engine-specific checks for `doctor`, run after the store answered a read. */
  inspect?(): Promise<readonly StoreFinding[]>;
}
