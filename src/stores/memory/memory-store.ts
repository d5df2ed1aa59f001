import { BackendTokenStore } from '../../contract/backend-token-store.js';
import { MemoryBackend } from './memory-backend.js';

/**
 * The article's dictionary store: tokens in process memory, O(1) lookups on every key the matching rule uses.
 * Nothing survives the process; the refresh lock covers this process only.
 */
export class MemoryStore extends BackendTokenStore {
  constructor() {
    super(new MemoryBackend(), 'memory store');
  }
}
