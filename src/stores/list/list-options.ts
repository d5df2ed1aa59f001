import type { EncryptionOptions } from '../../encryption/encryption-options.js';
import type { StoreSpec } from '../../kernel/store-parts.js';

export interface ListStoreOptions {
  /** Keep the tokens' secrets encrypted in memory too; see docs/encryption.md. */
  readonly encryption?: EncryptionOptions;
}

/** What the kernel builds a ListStore from: nothing to resolve besides encryption. */
export const LIST_STORE: StoreSpec<ListStoreOptions, null> = {
  name: 'ListStore',
  label: 'list store',
  options: ['encryption'],
  resolve: () => null,
};
