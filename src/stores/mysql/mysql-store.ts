import { BackendTokenStore } from '../../kernel/backend-token-store.js';
import { encryptedBackend, storeEncryptionConfig } from '../../encryption/encrypting-backend.js';
import { MySqlBackend } from './mysql-backend.js';
import { resolveMySQLOptions, type MySQLStoreOptions } from './mysql-options.js';
import { openOrClose } from '../../kernel/open/open-or-close.js';

/**
 * Tokens in the official `oauthtoken` table on MySQL or MariaDB, shared with the official SDK's DBStore.
 * Pooled, parameterised, with a unique user name, serialised writes and a refresh lock for every host
 * (`refreshLockScope` 'cluster'). Needs the `mysql2` package.
 *
 * The options are checked at once (INVALID_CONFIG); the server is first reached by the first call, or by
 * `MySQLStore.open()`, which also reports an unreachable server (STORE_UNAVAILABLE) or refused credentials
 * (STORE_ACCESS_DENIED) before you rely on the store.
 */
export class MySQLStore extends BackendTokenStore {
  readonly #backend: MySqlBackend;

  constructor(options: MySQLStoreOptions = {}) {
    const config = resolveMySQLOptions(options);
    const encryption = storeEncryptionConfig(options.encryption, 'MySQLStore');
    const backend = new MySqlBackend(config);
    super(encryptedBackend(backend, encryption), 'MySQL store');
    this.#backend = backend;
  }

  /** Makes a store and prepares its table (creating it when allowed), so a wrong setting fails here. */
  static async open(options: MySQLStoreOptions = {}): Promise<MySQLStore> {
    const store = new MySQLStore(options);
    return openOrClose(store, () => store.#backend.start());
  }

  /** `database.table` the store uses, once started (null before). */
  get table(): string | null {
    return this.#backend.tableLabel;
  }
}
