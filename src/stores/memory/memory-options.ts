import type { EncryptionOptions } from '../../encryption/encryption-options.js';
import type { StoreSpec } from '../../kernel/store-parts.js';

export interface MemoryStoreOptions {
  /** Keep the tokens' secrets encrypted in memory too (mostly for tests of encryption); see docs/encryption.md. */
  readonly encryption?: EncryptionOptions;
}

/** What the kernel builds a MemoryStore from: nothing to resolve besides encryption. */
export const MEMORY_STORE: StoreSpec<MemoryStoreOptions, null> = {
  name: 'MemoryStore',
  label: 'memory store',
  options: ['encryption'],
  resolve: () => null,
};
