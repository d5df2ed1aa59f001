import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import type { EncryptionOptions } from '../../encryption/encryption-options.js';
import type { StoreSpec } from '../../kernel/store-parts.js';
import { validateIdentifier } from '../sql/identifier.js';
import type { MySqlCallbackPool, MySqlPool } from './mysql-driver.js';

/** Where the tokens live and how to reach the server. Defaults are the official DBStore's. */
export interface MySQLStoreOptions {
  /** A mysql2 pool you made (promise or callback flavour). The store uses it and never ends it. */
  pool?: MySqlPool | MySqlCallbackPool;
  /** `mysql://user:password@host:port/database` (or `mariadb://`), instead of the fields below. */
  url?: string;
  /** Default `localhost`. */
  host?: string;
  /** Default 3306. */
  port?: number;
  /** Default `root`. */
  user?: string;
  /** Default empty. */
  password?: string;
  /** Default `zohooauth` (with `pool`: the pool's current database when it has one). */
  database?: string;
  /** Default `oauthtoken`. */
  table?: string;
  /** Passed to mysql2 as is (a TLS options object, or a profile name). */
  ssl?: unknown;
  /** Connections in the pool the store creates. Default 10. */
  connectionLimit?: number;
  /** How long to wait for a new connection before giving up with STORE_UNAVAILABLE. Default 5000 ms. */
  connectTimeoutMs?: number;
  /** Create the database when it does not exist. Default false. */
  createDatabase?: boolean;
  /**
   * Create the table when it does not exist, and add the unique index on `user_name` and the lookup indexes on the
   * token columns when they are missing. Default true. With false the store runs no DDL at all.
   */
  createTable?: boolean;
  /** How long a save waits for the table's write lock before failing with STORE_UNAVAILABLE. Default 10000 ms. */
  writeLockWaitMs?: number;
  /** Encrypt the tokens' secrets at rest with this key ring; see docs/encryption.md. */
  encryption?: EncryptionOptions;
}

/** The validated, frozen form. */
export interface MySQLStoreConfig {
  readonly pool: MySqlPool | null;
  /** What the store passes to mysql2's createPool when it makes its own pool (never a default database). */
  readonly connection: Readonly<Record<string, unknown>> | null;
  /** Null with a user pool and no `database` option: the pool's current database, read when the store starts. */
  readonly database: string | null;
  readonly table: string;
  readonly createDatabase: boolean;
  readonly createTable: boolean;
  readonly writeLockWaitMs: number;
}

export const DEFAULT_DATABASE = 'zohooauth';
const DEFAULT_TABLE = 'oauthtoken';
const KNOWN_OPTIONS = [
  'pool',
  'url',
  'host',
  'port',
  'user',
  'password',
  'database',
  'table',
  'ssl',
  'connectionLimit',
  'connectTimeoutMs',
  'createDatabase',
  'createTable',
  'writeLockWaitMs',
  'encryption', // checked by the kernel (storeParts)
];
const CONNECTION_FIELDS = ['url', 'host', 'port', 'user', 'password', 'ssl', 'connectionLimit', 'connectTimeoutMs'] as const;

const invalid = (message: string): TokenStoreError => new TokenStoreError(ErrorCode.INVALID_CONFIG, `MySQLStore: ${message}`);

function optionalString(options: MySQLStoreOptions, name: 'host' | 'user' | 'password' | 'url'): string | undefined {
  const value = options[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(`option "${name}" must be a string.`);
  return value;
}

function wholeNumber(options: MySQLStoreOptions, name: keyof MySQLStoreOptions, fallback: number, min: number, max: number): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(`option "${name}" must be a whole number from ${min} to ${max}.`);
  }
  return value;
}

function flag(options: MySQLStoreOptions, name: 'createDatabase' | 'createTable', fallback: boolean): boolean {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw invalid(`option "${name}" must be true or false.`);
  return value;
}

/** Reads a connection URL. Its password is decoded but never echoed in an error. */
function parseUrl(url: string): { host: string; port: number; user?: string; password?: string; database?: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('option "url" is not a valid URL; use mysql://user:password@host:3306/database.');
  }
  if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'mariadb:') {
    throw invalid('option "url" must start with mysql:// or mariadb://.');
  }
  if (parsed.search !== '') {
    throw invalid('option "url" must not carry parameters; pass "ssl" and the other options as fields, or pass a pool.');
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, '') || 'localhost',
    port: parsed.port === '' ? 3306 : Number(parsed.port),
    ...(parsed.username !== '' ? { user: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password !== '' ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(database !== '' ? { database } : {}),
  };
}

/** Validates the options once, before anything is opened; the result is frozen. */
export function resolveMySQLOptions(options: MySQLStoreOptions = {}): MySQLStoreConfig {
  const table = validateIdentifier('MySQLStore table name', options.table ?? DEFAULT_TABLE);
  const createDatabase = flag(options, 'createDatabase', false);
  const createTable = flag(options, 'createTable', true);
  const writeLockWaitMs = wholeNumber(options, 'writeLockWaitMs', 10_000, 0, 3_600_000);

  if (options.pool !== undefined) {
    const pool = options.pool as Partial<MySqlPool & MySqlCallbackPool> | null;
    if (pool === null || typeof pool !== 'object' || (typeof pool.getConnection !== 'function' && typeof pool.promise !== 'function')) {
      throw invalid('option "pool" must be a mysql2 pool (mysql2.createPool or mysql2/promise createPool).');
    }
    const extra = CONNECTION_FIELDS.filter((name) => options[name] !== undefined);
    if (extra.length > 0)
      throw invalid(`option "pool" cannot be combined with ${extra.map((name) => `"${name}"`).join(', ')}; configure the pool instead.`);
    const database = options.database === undefined ? null : validateIdentifier('MySQLStore database name', options.database);
    return Object.freeze({
      pool: options.pool as MySqlPool,
      connection: null,
      database,
      table,
      createDatabase,
      createTable,
      writeLockWaitMs,
    });
  }

  const url = optionalString(options, 'url');
  const fromUrl = url === undefined ? null : parseUrl(url);
  if (
    fromUrl &&
    (options.host !== undefined || options.port !== undefined || options.user !== undefined || options.password !== undefined)
  ) {
    throw invalid('option "url" cannot be combined with "host", "port", "user" or "password".');
  }
  const host = fromUrl?.host ?? optionalString(options, 'host') ?? 'localhost';
  if (host.trim() === '' || /\s/.test(host)) throw invalid('option "host" must be a host name or address, without spaces.');
  const port = fromUrl?.port ?? wholeNumber(options, 'port', 3306, 1, 65_535);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw invalid('the port in option "url" must be from 1 to 65535.');
  const user = fromUrl?.user ?? optionalString(options, 'user') ?? 'root';
  const password = fromUrl?.password ?? optionalString(options, 'password') ?? '';
  const database = validateIdentifier('MySQLStore database name', options.database ?? fromUrl?.database ?? DEFAULT_DATABASE);
  const connection: Record<string, unknown> = {
    host,
    port,
    user,
    password,
    connectionLimit: wholeNumber(options, 'connectionLimit', 10, 1, 1_000),
    connectTimeout: wholeNumber(options, 'connectTimeoutMs', 5_000, 1, 600_000),
    // Named locks and prepared statements live on a connection: keep idle ones open rather than churn them.
    waitForConnections: true,
    enableKeepAlive: true,
    supportBigNumbers: true,
  };
  if (options.ssl !== undefined) connection.ssl = options.ssl;
  return Object.freeze({
    pool: null,
    connection: Object.freeze(connection),
    database,
    table,
    createDatabase,
    createTable,
    writeLockWaitMs,
  });
}

/** What the kernel builds a MySQLStore from. */
export const MYSQL_STORE: StoreSpec<MySQLStoreOptions, MySQLStoreConfig> = {
  name: 'MySQLStore',
  label: 'MySQL store',
  options: KNOWN_OPTIONS,
  resolve: resolveMySQLOptions,
};
