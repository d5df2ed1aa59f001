import { BackendTokenStore } from '../../kernel/backend-token-store.js';
import { storeParts } from '../../kernel/store-parts.js';
import { MySqlBackend } from './mysql-backend.js';
import { MYSQL_STORE, type MySQLStoreOptions } from './mysql-options.js';

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
  readonly #engine: MySqlBackend;

  constructor(options: MySQLStoreOptions = {}) {
    const { backend, engine, label } = storeParts(MYSQL_STORE, options, (config) => new MySqlBackend(config));
    super(backend, label);
    this.#engine = engine;
  }

  /** Makes a store and prepares its table (creating it when allowed), so a wrong setting fails here. */
  static async open(options: MySQLStoreOptions = {}): Promise<MySQLStore> {
    return new MySQLStore(options).opened();
  }

  /** `database.table` the store uses, once started (null before). */
  get table(): string | null {
    return this.#engine.tableLabel;
  }
}
