import { BackendTokenStore } from '../../contract/backend-token-store.js';
import { ListBackend } from './list-backend.js';

/** The article's list-based reference store: tokens as lists of their official columns, in process memory. */
export class ListStore extends BackendTokenStore {
  constructor() {
    super(new ListBackend(), 'list store');
  }
}
