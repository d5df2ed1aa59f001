import { closeSync, openSync, rmSync } from 'node:fs';
import { BackendTokenStore } from '../../contract/backend-token-store.js';
import { encryptedBackend, storeEncryptionConfig } from '../../encryption/encrypting-backend.js';
import type { TokenBackend } from '../../contract/token-backend.js';
import { loadSQLiteDriver, openDatabase, type SQLiteDatabase } from './driver.js';
import { migrate } from './migrations.js';
import { checkStoreFilePath } from '../shared/check-file-path.js';
import { DEFAULT_SQLITE_PATH, sqliteStoreConfig, type SQLiteStoreConfig, type SQLiteStoreOptions } from './options.js';
import { SQLiteBackend } from './sqlite-backend.js';
import { sqliteError } from './sqlite-errors.js';

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

  private constructor(backend: TokenBackend, path: string) {
    super(backend, 'SQLite store');
    this.path = path;
  }

  /**
   * Opens (creating when missing) the database at `options.path` (default `zohooauth.db`) or uses
   * `options.database`, creates or upgrades the token tables in one transaction, and prepares every statement.
   */
  static async open(options: SQLiteStoreOptions = {}): Promise<SQLiteStore> {
    const config = sqliteStoreConfig(options);
    const encryption = storeEncryptionConfig(options.encryption, 'SQLiteStore');
    const owned = config.database === null;
    const { db, created } = owned ? await openOwned(config) : { db: config.database as SQLiteDatabase, created: false };
    try {
      migrate(db);
      return new SQLiteStore(encryptedBackend(new SQLiteBackend(db, owned), encryption), config.path);
    } catch (error) {
      if (owned) db.close();
      if (created) removeCreated(config.path);
      throw sqliteError('open the token tables', error, config.path);
    }
  }
}

/**
 * Creates a missing database file readable by its owner only (0600): it holds refresh tokens. SQLite gives its
 * -wal and -shm files the database file's permissions. An existing file keeps the permissions its owner chose.
 * True when this call created the file.
 */
function createPrivately(path: string): boolean {
  if (path === ':memory:' || path === '') return false;
  try {
    closeSync(openSync(path, 'wx', 0o600));
    return true;
  } catch (error) {
    // A missing folder or a permission problem is left for SQLite to report, as it would without this step.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST' && code !== 'ENOENT' && code !== 'EACCES' && code !== 'ENOTDIR') throw error;
    return false;
  }
}

/** A failed open leaves no file behind: removes the database this open created (it holds no token) and SQLite's side files. */
function removeCreated(path: string): void {
  for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) rmSync(file, { force: true });
}

/** Opens the file with the connection settings for several processes sharing it (see docs/sqlite-store.md). */
async function openOwned(config: SQLiteStoreConfig): Promise<{ db: SQLiteDatabase; created: boolean }> {
  let db: SQLiteDatabase | null = null;
  let created = false;
  if (config.path !== ':memory:') checkStoreFilePath('SQLiteStore', config.path, DEFAULT_SQLITE_PATH);
  try {
    await loadSQLiteDriver(); // a missing driver is reported before any file is created
    created = createPrivately(config.path);
    db = await openDatabase(config.path, config.busyTimeoutMs); // sets busy_timeout
    if (!db.memory) db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${config.durability === 'full' ? 'FULL' : 'NORMAL'}`);
    return { db, created };
  } catch (error) {
    db?.close();
    if (created) removeCreated(config.path);
    throw sqliteError('open the database', error, config.path);
  }
}
