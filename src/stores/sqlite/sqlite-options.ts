import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import type { EncryptionOptions } from '../../encryption/encryption-options.js';
import type { StoreSpec } from '../../kernel/store-parts.js';
import { isSQLiteDatabase, type SQLiteDatabase } from './sqlite-driver.js';

/** The database file of the article's sample and of `SQLiteStore.open()` without a path, relative to the working directory. */
export const DEFAULT_SQLITE_PATH = 'zohooauth.db';

/**
 * `synchronous` of a file the store opens. `full`: every save is on disk (fsync) before `saveToken` resolves, so it
 * survives a power loss. `normal`: a save survives the process being killed, but the last saves before a power
 * loss or OS crash may be rolled back (never corrupted); it saves the fsync per save.
 */
export type SQLiteDurability = 'full' | 'normal';

export interface SQLiteStoreOptions {
  /** The database file, created when missing, or `':memory:'`. Default `zohooauth.db`. Not with `database`. */
  path?: string;
  /**
   * An open better-sqlite3 `Database` to use instead of a path. The store creates or upgrades its tables in it but
   * leaves its connection settings (journal mode, busy timeout, synchronous) as you set them, and never closes it.
   */
  database?: SQLiteDatabase;
  /** How long a write waits for another connection's write to finish before failing (ms). Default 5,000. */
  busyTimeoutMs?: number;
  /** Default `full`; see `SQLiteDurability`. */
  durability?: SQLiteDurability;
  /** Encrypt the tokens' secrets at rest with this key ring; see docs/encryption.md. */
  encryption?: EncryptionOptions;
}

export interface SQLiteStoreConfig {
  readonly path: string;
  readonly database: SQLiteDatabase | null;
  readonly busyTimeoutMs: number;
  readonly durability: SQLiteDurability;
}

const invalid = (message: string): TokenStoreError => new TokenStoreError(ErrorCode.INVALID_CONFIG, message);
// `encryption` is reserved for the option that encrypts token values.
const KNOWN_OPTIONS = ['path', 'database', 'busyTimeoutMs', 'durability', 'encryption'];

/** Validates the options once, before anything is opened; the result is frozen. */
export function sqliteStoreConfig(options: SQLiteStoreOptions = {}): SQLiteStoreConfig {
  const { path, database, busyTimeoutMs = 5_000, durability = 'full' } = options;
  if (database !== undefined && path !== undefined) {
    throw invalid('SQLiteStore options "path" and "database" exclude each other; pass one.');
  }
  if (database !== undefined && !isSQLiteDatabase(database)) {
    throw invalid('SQLiteStore option "database" must be an open better-sqlite3 Database.');
  }
  if (database !== undefined && database.open === false) {
    throw invalid('SQLiteStore option "database" is a closed Database; pass an open one.');
  }
  if (path !== undefined && (typeof path !== 'string' || path.length === 0 || path.includes('\0'))) {
    throw invalid('SQLiteStore option "path" must be a non-empty file path without NUL characters, or ":memory:".');
  }
  if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0 || busyTimeoutMs > 2_147_483_647) {
    throw invalid('SQLiteStore option "busyTimeoutMs" must be a whole number of milliseconds, 0 or more.');
  }
  if (durability !== 'full' && durability !== 'normal') {
    throw invalid('SQLiteStore option "durability" must be "full" or "normal".');
  }
  return Object.freeze({
    path: database ? database.name : (path ?? DEFAULT_SQLITE_PATH),
    database: database ?? null,
    busyTimeoutMs,
    durability,
  });
}

/** What the kernel builds a SQLiteStore from. */
export const SQLITE_STORE: StoreSpec<SQLiteStoreOptions, SQLiteStoreConfig> = {
  name: 'SQLiteStore',
  label: 'SQLite store',
  options: KNOWN_OPTIONS,
  resolve: sqliteStoreConfig,
};
