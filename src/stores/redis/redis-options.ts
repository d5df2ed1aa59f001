import type { Redis, RedisOptions } from 'ioredis';
import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import type { EncryptionOptions } from '../../encryption/encryption-options.js';
import type { StoreSpec } from '../../kernel/store-parts.js';

export interface RedisStoreOptions {
  /**
   * A connected (or connecting) ioredis client to use. The store never closes it: `close()` leaves it to you.
   * It must have no `keyPrefix` of its own (the store's scripts build key names; use the store's `prefix`).
   */
  readonly client?: Redis;
  /** A connection URL (`redis://[user:password@]host:port/db`, `rediss://` for TLS) for a client the store opens. */
  readonly url?: string;
  /** ioredis options for a client the store opens (host, port, username, password, db, tls, …). */
  readonly connection?: RedisOptions;
  /** Prefix of every key the store writes (default `zoho:tokens:`). Two stores must not share or nest prefixes. */
  readonly prefix?: string;
  /** The earlier name of `prefix`, still accepted (not both). */
  readonly keyPrefix?: string;
  /** How long connecting to the server may take before the call fails with STORE_UNAVAILABLE (default `commandTimeoutMs`). */
  readonly connectTimeoutMs?: number;
  /**
   * Bound on one command, connecting included, when the client has no `commandTimeout` of its own
   * (default 5,000 ms). Past it the call rejects with `STORE_UNAVAILABLE`; nothing waits forever while offline.
   */
  readonly commandTimeoutMs?: number;
  /** How long one save or delete may hold the store-wide write lock before others may take it (default 5,000 ms). */
  readonly writeLockLeaseMs?: number;
  /** How long a save or delete waits for the write lock before it rejects with `STORE_UNAVAILABLE` (default 10,000 ms). */
  readonly writeLockWaitMs?: number;
  /** Encrypt the tokens' secrets at rest with this key ring; see docs/encryption.md. */
  readonly encryption?: EncryptionOptions;
}

/** Validated, frozen settings. */
export interface RedisStoreConfig {
  readonly client: Redis | null;
  readonly url: string | null;
  readonly connection: Readonly<RedisOptions>;
  readonly keyPrefix: string;
  readonly commandTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly writeLockLeaseMs: number;
  readonly writeLockWaitMs: number;
}

export const DEFAULT_KEY_PREFIX = 'zoho:tokens:';
const MAX_PREFIX_LENGTH = 64;
// Whitespace and control characters make keys unreadable in tools; glob characters would make a prefix
// SCAN (cleanup, inspection) match keys of other prefixes.
const UNSAFE_PREFIX = /[\s\p{Cc}*?[\]\\]/u;

const invalid = (message: string): TokenStoreError => new TokenStoreError(ErrorCode.INVALID_CONFIG, message);
// `encryption` is reserved for the option that encrypts token values.
const KNOWN_OPTIONS = ['client', 'url', 'connection', 'prefix', 'keyPrefix', 'connectTimeoutMs', 'commandTimeoutMs', 'writeLockLeaseMs', 'writeLockWaitMs', 'encryption'];

function positiveMs(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw invalid(`The Redis store option "${name}" must be a positive whole number of milliseconds.`);
  }
  return value;
}

export function validateKeyPrefix(prefix: unknown, name = 'prefix'): string {
  if (prefix === undefined) return DEFAULT_KEY_PREFIX;
  if (typeof prefix !== 'string' || prefix.length === 0 || prefix.length > MAX_PREFIX_LENGTH || UNSAFE_PREFIX.test(prefix)) {
    throw invalid(
      `The Redis store option "${name}" must be 1 to ${MAX_PREFIX_LENGTH} characters without whitespace, control ` +
        'characters or glob characters (* ? [ ] \\), e.g. "zoho:tokens:".',
    );
  }
  return prefix;
}

function hasKeyPrefix(options: { keyPrefix?: string | undefined } | undefined): boolean {
  return typeof options?.keyPrefix === 'string' && options.keyPrefix.length > 0;
}

/** Checks every option before anything is opened; the result is frozen. */
export function resolveRedisOptions(options: RedisStoreOptions = {}): RedisStoreConfig {
  const { client, url, connection } = options;
  if (client !== undefined) {
    if (typeof client !== 'object' || client === null || typeof (client as Redis).evalsha !== 'function') {
      throw invalid('The Redis store option "client" must be an ioredis client (new Redis(...)).');
    }
    if (url !== undefined || connection !== undefined || options.connectTimeoutMs !== undefined) {
      throw invalid('Pass either "client" or "url"/"connection"/"connectTimeoutMs" (for a client the store opens) to the Redis store, not both.');
    }
    if (hasKeyPrefix((client as Redis).options)) {
      throw invalid('The ioredis client passed to the Redis store has a "keyPrefix"; pass one without it and set the store\'s "prefix" instead.');
    }
  }
  if (url !== undefined && (typeof url !== 'string' || !/^rediss?:\/\//.test(url) || /\s/.test(url) || !URL.canParse(url))) {
    // The URL may hold a password: the message never repeats it.
    throw invalid('The Redis store option "url" must be a URL starting with redis:// or rediss://, without spaces.');
  }
  if (url !== undefined && !/^\/?\d{0,5}$/.test(new URL(url).pathname)) {
    throw invalid('The Redis store option "url" names its database by number after the host (redis://host:6379/0), or not at all.');
  }
  if (connection !== undefined && (typeof connection !== 'object' || connection === null)) {
    throw invalid('The Redis store option "connection" must be an ioredis options object.');
  }
  for (const name of ['port', 'db', 'connectTimeout', 'commandTimeout'] as const) {
    const value = connection?.[name];
    if (value !== undefined && (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)) {
      throw invalid(`The Redis store option "connection.${name}" must be a whole number, 0 or more.`);
    }
  }
  if (hasKeyPrefix(connection)) {
    throw invalid('Set the Redis store\'s "prefix" option, not ioredis\'s "connection.keyPrefix".');
  }
  if (options.prefix !== undefined && options.keyPrefix !== undefined) {
    throw invalid('Pass the Redis store\'s key prefix once: "prefix" (or its earlier name "keyPrefix"), not both.');
  }
  const commandTimeoutMs = positiveMs('commandTimeoutMs', options.commandTimeoutMs, 5_000);
  return Object.freeze({
    client: client ?? null,
    url: url ?? null,
    connection: Object.freeze({ ...connection }),
    keyPrefix: options.keyPrefix !== undefined ? validateKeyPrefix(options.keyPrefix, 'keyPrefix') : validateKeyPrefix(options.prefix),
    commandTimeoutMs,
    connectTimeoutMs: positiveMs('connectTimeoutMs', options.connectTimeoutMs, commandTimeoutMs),
    writeLockLeaseMs: positiveMs('writeLockLeaseMs', options.writeLockLeaseMs, 5_000),
    writeLockWaitMs: positiveMs('writeLockWaitMs', options.writeLockWaitMs, 10_000),
  });
}

/** What the kernel builds a RedisStore from. */
export const REDIS_STORE: StoreSpec<RedisStoreOptions, RedisStoreConfig> = {
  name: 'RedisStore',
  label: 'Redis store',
  options: KNOWN_OPTIONS,
  resolve: resolveRedisOptions,
};
