import { BackendTokenStore } from '../../kernel/backend-token-store.js';
import { encryptedBackend, storeEncryptionConfig } from '../../encryption/encrypting-backend.js';
import type { EncryptionOptions } from '../../encryption/encryption-options.js';
import { checkKnownOptions } from '../../config/unknown-options.js';
import { MemoryBackend } from './memory-backend.js';

export interface MemoryStoreOptions {
  /** Keep the tokens' secrets encrypted in memory too (mostly for tests of encryption); see docs/encryption.md. */
  readonly encryption?: EncryptionOptions;
}

const KNOWN_OPTIONS = ['encryption'];

/**
 * The article's dictionary store: tokens in process memory, O(1) lookups on every key the matching rule uses.
 * Nothing survives the process; the refresh lock covers this process only.
 */
export class MemoryStore extends BackendTokenStore {
  constructor(options: MemoryStoreOptions = {}) {
    checkKnownOptions('MemoryStore', options, KNOWN_OPTIONS);
    super(encryptedBackend(new MemoryBackend(), storeEncryptionConfig(options.encryption, 'MemoryStore')), 'memory store');
  }

  /** The same as `new MemoryStore(options)`, for code that opens every store the same way (`openStore('memory:')`). */
  static async open(options: MemoryStoreOptions = {}): Promise<MemoryStore> {
    return new MemoryStore(options);
  }
}
