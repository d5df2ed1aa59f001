import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import type { EncryptionOptions } from '../../encryption/encryption-options.js';
import type { StoreSpec } from '../../kernel/store-parts.js';
import { validateIdentifier } from '../sql/identifier.js';
import type { PostgresConnectionConfig, PostgresPool } from './postgres-driver.js';

export interface PostgresStoreOptions {
  /** An existing `pg.Pool` (or compatible). The store uses it and never ends it. */
  readonly pool?: PostgresPool;
  /**
   * A connection URL, `postgres://user:password@host:5432/db` (or `postgresql://`); the store opens its own pool and
   * ends it on `close()`. Other query parameters (`sslmode`, …) go to pg. With none of `pool`, `url` and
   * `connection`, pg's defaults and the `PG*` environment variables apply.
   */
  readonly url?: string;
  /**
   * `pg.Pool` options for the pool the store opens (with `url`: the options besides the URL). A URL string here is
   * still accepted, as before `url` existed.
   */
  readonly connection?: string | PostgresConnectionConfig;
  /** How long to wait for a connection before failing with STORE_UNAVAILABLE (default 5,000 ms; pg's own is forever). */
  readonly connectTimeoutMs?: number;
  /** The schema holding the table (default `public`); created if missing. */
  readonly schema?: string;
  /** The table name (default `oauthtoken`, the official one); created with its indexes if missing. */
  readonly table?: string;
  /**
   * Create the schema, the table and the refresh-lock table when they are missing (default `true`). `false`: no DDL
   * at all; a missing table is INVALID_CONFIG, and a missing lock table is reported by the refresh lock.
   */
  readonly createTable?: boolean;
  /** Encrypt the tokens' secrets at rest with this key ring; see docs/encryption.md. */
  readonly encryption?: EncryptionOptions;
}

export interface PostgresStoreConfig {
  readonly pool: PostgresPool | null;
  /** Options for the pool the store opens itself (when no pool was passed). */
  readonly poolConfig: Readonly<Record<string, unknown>>;
  readonly schema: string;
  readonly table: string;
  readonly createTable: boolean;
}

// pg waits forever for a connection by default; a store should fail (STORE_UNAVAILABLE) and let the caller retry.
// TCP keep-alive lets a connection to a vanished host be noticed instead of hanging. Pipelining (pg ≥ 8.23; older
// versions ignore the option) lets a save send its statements without waiting for each answer.
const POOL_DEFAULTS = { connectionTimeoutMillis: 5_000, keepAlive: true, pipeline: true } as const;

const invalid = (message: string): TokenStoreError => new TokenStoreError(ErrorCode.INVALID_CONFIG, message);
// `encryption` is reserved for the option that encrypts token values.
const KNOWN_OPTIONS = ['pool', 'url', 'connection', 'connectTimeoutMs', 'schema', 'table', 'createTable', 'encryption'];

function isPool(value: unknown): value is PostgresPool {
  const pool = value as Partial<PostgresPool> | null;
  return typeof pool?.query === 'function' && typeof pool.connect === 'function' && typeof pool.on === 'function';
}

// pg reads any string as a connection string (a mysql:// URL included, as host "mysql"); only these schemes are meant.
const CONNECTION_URL = /^(postgres|postgresql|socket):/i;
// pg.Pool options that are counts or milliseconds: a negative, fractional or infinite value would misbehave later.
const NUMERIC_POOL_OPTIONS: ReadonlyArray<readonly [string, number, number]> = [
  ['port', 1, 65_535],
  ['max', 1, 10_000],
  ['min', 0, 10_000],
  ['connectionTimeoutMillis', 0, 2_147_483_647],
  ['idleTimeoutMillis', 0, 2_147_483_647],
  ['statement_timeout', 0, 2_147_483_647],
  ['query_timeout', 0, 2_147_483_647],
];

function checkedUrl(name: 'url' | 'connection', url: string): string {
  if (url.trim() === '') throw invalid(`PostgresStore option "${name}" is an empty string; pass a postgres:// URL.`);
  // The URL may hold a password: messages never repeat it.
  if (!CONNECTION_URL.test(url) || /\s/.test(url)) {
    throw invalid(
      `PostgresStore option "${name}" must be a postgres:// (or postgresql://) URL without spaces${name === 'connection' ? ', or an object of pg.Pool options' : ''}.`,
    );
  }
  // pg reads ?port= over the URL's port; a bad one fails inside pg's connect in a way that leaves its pool unable
  // to end, so it is refused here.
  const port = URL.canParse(url) ? new URL(url).searchParams.get('port') : null;
  if (port !== null && !(/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65_535)) {
    throw invalid(`PostgresStore option "${name}": the "port" parameter must be a whole number from 1 to 65535.`);
  }
  return url;
}

function poolConfigOf(connection: PostgresStoreOptions['connection']): Record<string, unknown> {
  if (connection === undefined) return { ...POOL_DEFAULTS };
  if (typeof connection === 'string') return { ...POOL_DEFAULTS, connectionString: checkedUrl('connection', connection) };
  if (typeof connection !== 'object' || connection === null || Array.isArray(connection)) {
    throw invalid('PostgresStore option "connection" must be a postgres:// URL or an object of pg.Pool options.');
  }
  for (const [name, min, max] of NUMERIC_POOL_OPTIONS) {
    const value = (connection as Record<string, unknown>)[name];
    if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)) {
      throw invalid(`PostgresStore option "connection.${name}" must be a whole number from ${min} to ${max}.`);
    }
  }
  return { ...POOL_DEFAULTS, ...connection };
}

function ownPoolConfig(options: PostgresStoreOptions): Record<string, unknown> {
  const config = poolConfigOf(options.connection);
  if (options.url !== undefined) config.connectionString = checkedUrl('url', options.url);
  const timeout = options.connectTimeoutMs;
  if (timeout !== undefined) {
    if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 1 || timeout > 600_000) {
      throw invalid('PostgresStore option "connectTimeoutMs" must be a whole number of milliseconds from 1 to 600000.');
    }
    if ((options.connection as PostgresConnectionConfig | undefined)?.connectionTimeoutMillis !== undefined) {
      throw invalid('PostgresStore: pass "connectTimeoutMs" or "connection.connectionTimeoutMillis", not both.');
    }
    config.connectionTimeoutMillis = timeout;
  }
  return config;
}

/** Validates the options once, before anything is opened, and freezes the result. */
export function resolvePostgresOptions(options: PostgresStoreOptions = {}): PostgresStoreConfig {
  if (typeof options !== 'object' || options === null) throw invalid('PostgresStore needs an options object.');
  if (
    options.pool !== undefined &&
    (options.connection !== undefined || options.url !== undefined || options.connectTimeoutMs !== undefined)
  ) {
    throw invalid(
      'PostgresStore takes either "pool" or "url"/"connection"/"connectTimeoutMs" (for the pool it opens), not both; configure your pool instead.',
    );
  }
  if (options.url !== undefined && (typeof options.connection === 'string' || typeof options.connection?.connectionString === 'string')) {
    throw invalid('PostgresStore takes the connection URL once: in "url", not also in "connection".');
  }
  if (options.url !== undefined && typeof options.url !== 'string')
    throw invalid('PostgresStore option "url" must be a postgres:// URL string.');
  if (options.pool !== undefined && !isPool(options.pool)) {
    throw invalid('PostgresStore option "pool" must be a pg.Pool (an object with query, connect and on).');
  }
  if (options.createTable !== undefined && typeof options.createTable !== 'boolean') {
    throw invalid('PostgresStore option "createTable" must be true or false.');
  }
  return Object.freeze({
    pool: options.pool ?? null,
    poolConfig: Object.freeze(options.pool ? {} : ownPoolConfig(options)),
    schema: validateIdentifier('PostgreSQL schema name', options.schema ?? 'public'),
    table: validateIdentifier('PostgreSQL table name', options.table ?? 'oauthtoken'),
    createTable: options.createTable ?? true,
  });
}

/** What the kernel builds a PostgresStore from. */
export const POSTGRES_STORE: StoreSpec<PostgresStoreOptions, PostgresStoreConfig> = {
  name: 'PostgresStore',
  label: 'PostgreSQL store',
  options: KNOWN_OPTIONS,
  resolve: resolvePostgresOptions,
};
