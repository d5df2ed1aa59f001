import { BackendTokenStore } from '../../kernel/backend-token-store.js';
import { storeParts } from '../../kernel/store-parts.js';
import { ListBackend } from './list-backend.js';
import { LIST_STORE, type ListStoreOptions } from './list-options.js';

/** The article's list-based reference store: tokens as lists of their official columns, in process memory. */
export class ListStore extends BackendTokenStore {
  constructor(options: ListStoreOptions = {}) {
    const { backend, label } = storeParts(LIST_STORE, options, () => new ListBackend());
    super(backend, label);
  }

  /** The same as `new ListStore(options)`, for code that opens every store the same way (`openStore('list:')`). */
  static async open(options: ListStoreOptions = {}): Promise<ListStore> {
    return new ListStore(options);
  }
}
