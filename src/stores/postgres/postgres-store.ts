import { BackendTokenStore } from '../../kernel/backend-token-store.js';
import { encryptedBackend, storeEncryptionConfig } from '../../encryption/encrypting-backend.js';
import { PostgresBackend } from './postgres-backend.js';
import { resolvePostgresOptions, type PostgresStoreOptions } from './postgres-options.js';
import { openOrClose } from '../../kernel/open/open-or-close.js';

/**
 * Tokens in a PostgreSQL table with the official `oauthtoken` columns, shared by every process and host that
 * reaches the server. Writes are serialised by a transaction-scoped advisory lock; the refresh lock is a session
 * advisory lock (scope `cluster`). Needs the `pg` package (an optional peer dependency).
 */
export class PostgresStore extends BackendTokenStore {
  readonly #backend: PostgresBackend;

  /** Validates the options (INVALID_CONFIG before anything is opened); connects on first use. */
  constructor(options: PostgresStoreOptions = {}) {
    const config = resolvePostgresOptions(options);
    const encryption = storeEncryptionConfig(options.encryption, 'PostgresStore');
    const backend = new PostgresBackend(config);
    super(encryptedBackend(backend, encryption), 'PostgreSQL store');
    this.#backend = backend;
  }

  /** A store that has already connected and created its table, so a wrong setting fails here and not later. */
  static async open(options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const store = new PostgresStore(options);
    return openOrClose(store, () => store.ready());
  }

  /** Connects and creates the schema and table if missing. Resolves once the store can serve; safe to repeat. */
  async ready(): Promise<void> {
    await this.#backend.ready();
  }
}
