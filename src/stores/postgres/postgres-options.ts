import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import type { EncryptionOptions } from '../../encryption/encryption-options.js';
import { describeUnknown, unknownOption } from '../../config/unknown-options.js';
import { validateIdentifier } from '../sql/identifier.js';
import type { PostgresConnectionConfig, PostgresPool } from './postgres-driver.js';

export interface PostgresStoreOptions {
  /** An existing `pg.Pool` (or compatible). The store uses it and never ends it. */
  readonly pool?: PostgresPool;
  /**
   * A connection URL (`postgres://user@host:5432/db`) or `pg.Pool` options; the store opens its own pool and ends
   * it on `close()`. With neither `pool` nor `connection`, pg's defaults and the `PG*` environment variables apply.
   */
  readonly connection?: string | PostgresConnectionConfig;
  /** The schema holding the table (default `public`); created if missing. */
  readonly schema?: string;
  /** The table name (default `oauthtoken`, the official one); created with its indexes if missing. */
  readonly table?: string;
  /** Encrypt the tokens' secrets at rest with this key ring; see docs/encryption.md. */
  readonly encryption?: EncryptionOptions;
}

export interface PostgresStoreConfig {
  readonly pool: PostgresPool | null;
  /** Options for the pool the store opens itself (when no pool was passed). */
  readonly poolConfig: Readonly<Record<string, unknown>>;
  readonly schema: string;
  readonly table: string;
}

// pg waits forever for a connection by default; a store should fail (STORE_UNAVAILABLE) and let the caller retry.
// TCP keep-alive lets a connection to a vanished host be noticed instead of hanging. Pipelining (pg ≥ 8.23; older
// versions ignore the option) lets a save send its statements without waiting for each answer.
const POOL_DEFAULTS = { connectionTimeoutMillis: 5_000, keepAlive: true, pipeline: true } as const;

const invalid = (message: string): TokenStoreError => new TokenStoreError(ErrorCode.INVALID_CONFIG, message);
// `encryption` is reserved for the option that encrypts token values.
const KNOWN_OPTIONS = ['pool', 'connection', 'schema', 'table', 'encryption'];

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

function poolConfigOf(connection: PostgresStoreOptions['connection']): Record<string, unknown> {
  if (connection === undefined) return { ...POOL_DEFAULTS };
  if (typeof connection === 'string') {
    if (connection.trim() === '') throw invalid('PostgresStore option "connection" is an empty string; pass a postgres:// URL or pool options.');
    // The URL may hold a password: messages never repeat it.
    if (!CONNECTION_URL.test(connection) || /\s/.test(connection)) {
      throw invalid('PostgresStore option "connection" must be a postgres:// (or postgresql://) URL without spaces, or an object of pg.Pool options.');
    }
    return { ...POOL_DEFAULTS, connectionString: connection };
  }
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

/** Validates the options once, before anything is opened, and freezes the result. */
export function resolvePostgresOptions(options: PostgresStoreOptions = {}): PostgresStoreConfig {
  if (typeof options !== 'object' || options === null) throw invalid('PostgresStore needs an options object.');
  const unknown = unknownOption(options, KNOWN_OPTIONS);
  if (unknown !== null) throw invalid(`PostgresStore: ${describeUnknown(unknown, KNOWN_OPTIONS)}`);
  if (options.pool !== undefined && options.connection !== undefined) {
    throw invalid('PostgresStore takes either "pool" or "connection", not both.');
  }
  if (options.pool !== undefined && !isPool(options.pool)) {
    throw invalid('PostgresStore option "pool" must be a pg.Pool (an object with query, connect and on).');
  }
  return Object.freeze({
    pool: options.pool ?? null,
    poolConfig: Object.freeze(options.pool ? {} : poolConfigOf(options.connection)),
    schema: validateIdentifier('PostgreSQL schema name', options.schema ?? 'public'),
    table: validateIdentifier('PostgreSQL table name', options.table ?? 'oauthtoken'),
  });
}
