import { BackendTokenStore } from '../../kernel/backend-token-store.js';
import { storeParts } from '../../kernel/store-parts.js';
import { PostgresBackend } from './postgres-backend.js';
import { POSTGRES_STORE, type PostgresStoreOptions } from './postgres-options.js';

/**
 * Tokens in a PostgreSQL table with the official `oauthtoken` columns, shared by every process and host that
 * reaches the server. Writes are serialised by a transaction-scoped advisory lock; the refresh lock is a session
 * advisory lock (scope `cluster`). Needs the `pg` package (an optional peer dependency).
 */
export class PostgresStore extends BackendTokenStore {
  /** Validates the options (INVALID_CONFIG before anything is opened); connects on first use. */
  constructor(options: PostgresStoreOptions = {}) {
    const { backend, label } = storeParts(POSTGRES_STORE, options, (config) => new PostgresBackend(config));
    super(backend, label);
  }

  /** A store that has already connected and created its table, so a wrong setting fails here and not later. */
  static async open(options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    return new PostgresStore(options).opened();
  }
}
