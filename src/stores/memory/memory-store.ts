import { BackendTokenStore } from '../../kernel/backend-token-store.js';
import { storeParts } from '../../kernel/store-parts.js';
import { MemoryBackend } from './memory-backend.js';
import { MEMORY_STORE, type MemoryStoreOptions } from './memory-options.js';

/**
 * The article's dictionary store: tokens in process memory, O(1) lookups on every key the matching rule uses.
 * Nothing survives the process; the refresh lock covers this process only.
 */
export class MemoryStore extends BackendTokenStore {
  constructor(options: MemoryStoreOptions = {}) {
    const { backend, label } = storeParts(MEMORY_STORE, options, () => new MemoryBackend());
    super(backend, label);
  }

  /** The same as `new MemoryStore(options)`, for code that opens every store the same way (`openStore('memory:')`). */
  static async open(options: MemoryStoreOptions = {}): Promise<MemoryStore> {
    return new MemoryStore(options);
  }
}
