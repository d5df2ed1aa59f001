import { BackendTokenStore } from '../../kernel/backend-token-store.js';
import { encryptedBackend, storeEncryptionConfig } from '../../encryption/encrypting-backend.js';
import type { EncryptionOptions } from '../../encryption/encryption-options.js';
import { checkKnownOptions } from '../../config/unknown-options.js';
import { ListBackend } from './list-backend.js';

export interface ListStoreOptions {
  /** Keep the tokens' secrets encrypted in memory too; see docs/encryption.md. */
  readonly encryption?: EncryptionOptions;
}

const KNOWN_OPTIONS = ['encryption'];

/** The article's list-based reference store: tokens as lists of their official columns, in process memory. */
export class ListStore extends BackendTokenStore {
  constructor(options: ListStoreOptions = {}) {
    checkKnownOptions('ListStore', options, KNOWN_OPTIONS);
    super(encryptedBackend(new ListBackend(), storeEncryptionConfig(options.encryption, 'ListStore')), 'list store');
  }

  /** The same as `new ListStore(options)`, for code that opens every store the same way (`openStore('list:')`). */
  static async open(options: ListStoreOptions = {}): Promise<ListStore> {
    return new ListStore(options);
  }
}
