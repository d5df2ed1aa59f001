import { BackendTokenStore } from '../../kernel/backend-token-store.js';
import { storeParts } from '../../kernel/store-parts.js';
import { SQLiteBackend } from './sqlite-backend.js';
import { SQLITE_STORE, type SQLiteStoreOptions } from './sqlite-options.js';

/**
 * Tokens in a SQLite file with the article's `oauthtoken` table, through better-sqlite3 (an optional peer
 * dependency: `npm install better-sqlite3`). Files made by the article's sample open as they are. Every process
 * that opens the same file shares its tokens and its refresh lock.
 *
 * ```ts
 * const store = await SQLiteStore.open();                       // ./zohooauth.db
 * const store = await SQLiteStore.open({ path: ':memory:' });   // this process only
 * ```
 */
export class SQLiteStore extends BackendTokenStore {
  /** The database file (as given), or `:memory:`. */
  readonly path: string;

  private constructor(options: SQLiteStoreOptions) {
    const { backend, config, label } = storeParts(SQLITE_STORE, options, (resolved) => new SQLiteBackend(resolved));
    super(backend, label);
    this.path = config.path;
  }

  /**
   * Opens (creating when missing) the database at `options.path` (default `zohooauth.db`) or uses
   * `options.database`, creates or upgrades the token tables in one transaction, and prepares every statement.
   */
  static async open(options: SQLiteStoreOptions = {}): Promise<SQLiteStore> {
    return new SQLiteStore(options).opened();
  }
}
