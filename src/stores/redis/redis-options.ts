import type { Cluster, Redis, RedisOptions } from 'ioredis';
import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import type { EncryptionOptions } from '../../encryption/encryption-options.js';
import type { StoreSpec } from '../../kernel/store-parts.js';

/** A server's address: a Redis Cluster node, or a Sentinel. */
export interface RedisNode {
  readonly host: string;
  readonly port: number;
}

export interface RedisStoreOptions {
  /**
   * A connected (or connecting) ioredis client to use: a `Redis` (one server, or a master found through Sentinels) or
   * a `Cluster`. The store never closes it: `close()` leaves it to you. It must have no `keyPrefix` of its own (the
   * store's scripts build key names; use the store's `prefix`).
   */
  readonly client?: Redis | Cluster;
  /**
   * Seed nodes of a Redis Cluster (any few of its masters): the store opens an ioredis `Cluster`, and `connection`
   * holds the options of each node's connection (username, password, tls, …). Every key of the store shares one
   * hash tag (see `prefix`), so each of its scripts runs on one slot.
   */
  readonly cluster?: readonly RedisNode[];
  /** The Sentinels that watch the master (with `masterName`): the store connects to the master they name, and follows a failover. */
  readonly sentinels?: readonly RedisNode[];
  /** The name the Sentinels monitor the master under (`sentinel monitor <name> …`). */
  readonly masterName?: string;
  /**
   * After every write, wait until this many replicas have it (`WAIT replicas waitTimeoutMs`) before the write resolves;
   * when fewer confirm in time, it rejects with STORE_UNAVAILABLE (`outcomeUnknown`: the primary has it). Default 0: no wait.
   */
  readonly waitReplicas?: number;
  /** The bound of that wait (default 1,000 ms). */
  readonly waitTimeoutMs?: number;
  /** A connection URL (`redis://[user:password@]host:port/db`, `rediss://` for TLS) for a client the store opens. */
  readonly url?: string;
  /** ioredis options for a client the store opens (host, port, username, password, db, tls, …). */
  readonly connection?: RedisOptions;
  /**
   * Prefix of every key the store writes (default `zoho:tokens:`). Two stores must not share or nest prefixes. On a
   * cluster the prefix must carry a hash tag; one without (`zoho:tokens:`) is used wrapped in one (`{zoho:tokens:}`).
   */
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
export type RedisTopology =
  | { readonly kind: 'server' }
  | { readonly kind: 'cluster'; readonly nodes: readonly RedisNode[] }
  | { readonly kind: 'sentinel'; readonly sentinels: readonly RedisNode[]; readonly masterName: string };

export interface RedisStoreConfig {
  readonly client: Redis | null;
  readonly url: string | null;
  /** How a client the store opens reaches its servers (a client passed in: `server`, or `cluster` for a Cluster). */
  readonly topology: RedisTopology;
  /** `WAIT` after each write, or null. */
  readonly replicaAcks: { readonly replicas: number; readonly timeoutMs: number } | null;
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
const KNOWN_OPTIONS = [
  'client',
  'cluster',
  'sentinels',
  'masterName',
  'waitReplicas',
  'waitTimeoutMs',
  'url',
  'connection',
  'prefix',
  'keyPrefix',
  'connectTimeoutMs',
  'commandTimeoutMs',
  'writeLockLeaseMs',
  'writeLockWaitMs',
  'encryption',
];

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

/**
 * A prefix whose keys all hash to one cluster slot. Redis hashes only the part of a key between its first `{` and
 * the first `}` after it, when that part is not empty: a prefix holding such a tag is kept; any other is wrapped in
 * one, which then comes first in every key, whatever the rest of the key (an id with braces included) holds.
 */
export function withHashTag(prefix: string): string {
  const open = prefix.indexOf('{');
  const close = open === -1 ? -1 : prefix.indexOf('}', open + 1);
  return close > open + 1 ? prefix : `{${prefix}}`;
}

function nodesOf(name: string, value: unknown): readonly RedisNode[] {
  const valid =
    Array.isArray(value) &&
    value.length > 0 &&
    value.every(
      (node: Partial<RedisNode> | null) =>
        typeof node?.host === 'string' &&
        node.host !== '' &&
        Number.isInteger(node.port) &&
        (node.port as number) >= 1 &&
        (node.port as number) <= 65_535,
    );
  if (!valid) throw invalid(`The Redis store option "${name}" must be a non-empty array of { host, port }.`);
  return Object.freeze((value as RedisNode[]).map(({ host, port }) => Object.freeze({ host, port })));
}

function topologyOf(options: RedisStoreOptions): RedisTopology {
  const { cluster, sentinels, masterName } = options;
  const given = [cluster, sentinels].filter((value) => value !== undefined).length + (options.client !== undefined ? 1 : 0);
  if (given > 1) throw invalid('Pass one of "client", "cluster" and "sentinels" to the Redis store.');
  if ((sentinels === undefined) !== (masterName === undefined)) {
    throw invalid('The Redis store takes "sentinels" together with "masterName" (the name the Sentinels monitor).');
  }
  if (cluster !== undefined) return Object.freeze({ kind: 'cluster', nodes: nodesOf('cluster', cluster) });
  if (sentinels !== undefined) {
    if (typeof masterName !== 'string' || !/^[\w.-]{1,64}$/.test(masterName)) {
      throw invalid('The Redis store option "masterName" must be 1 to 64 letters, digits, "_", "." or "-".');
    }
    return Object.freeze({ kind: 'sentinel', sentinels: nodesOf('sentinels', sentinels), masterName });
  }
  if ((options.client as { isCluster?: unknown } | undefined)?.isCluster === true) return Object.freeze({ kind: 'cluster', nodes: [] });
  return Object.freeze({ kind: 'server' });
}

function replicaAcksOf(options: RedisStoreOptions): RedisStoreConfig['replicaAcks'] {
  const { waitReplicas, waitTimeoutMs } = options;
  if (waitReplicas === undefined || waitReplicas === 0) {
    if (waitTimeoutMs !== undefined) throw invalid('The Redis store option "waitTimeoutMs" needs "waitReplicas".');
    return null;
  }
  if (typeof waitReplicas !== 'number' || !Number.isInteger(waitReplicas) || waitReplicas < 0 || waitReplicas > 100) {
    throw invalid('The Redis store option "waitReplicas" must be a whole number from 0 to 100.');
  }
  return Object.freeze({ replicas: waitReplicas, timeoutMs: positiveMs('waitTimeoutMs', waitTimeoutMs, 1_000) });
}

function checkedReplicaAcks(options: RedisStoreOptions, commandTimeoutMs: number): RedisStoreConfig['replicaAcks'] {
  const acks = replicaAcksOf(options);
  // The client's own command timeout would cut the WAIT short.
  if (acks !== null && acks.timeoutMs >= commandTimeoutMs) {
    throw invalid('The Redis store option "waitTimeoutMs" must be less than "commandTimeoutMs".');
  }
  return acks;
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
      throw invalid(
        'Pass either "client" or "url"/"connection"/"connectTimeoutMs" (for a client the store opens) to the Redis store, not both.',
      );
    }
    const clientOptions = client.options as (RedisOptions & { redisOptions?: RedisOptions; keyPrefix?: string }) | undefined;
    if (hasKeyPrefix(clientOptions) || hasKeyPrefix(clientOptions?.redisOptions)) {
      throw invalid(
        'The ioredis client passed to the Redis store has a "keyPrefix"; pass one without it and set the store\'s "prefix" instead.',
      );
    }
  }
  const topology = topologyOf(options);
  if (url !== undefined && topology.kind !== 'server') {
    throw invalid('The Redis store takes "url" for one server; with "cluster" or "sentinels", put credentials in "connection".');
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
  const prefix = options.keyPrefix !== undefined ? validateKeyPrefix(options.keyPrefix, 'keyPrefix') : validateKeyPrefix(options.prefix);
  return Object.freeze({
    client: (client as Redis | undefined) ?? null,
    url: url ?? null,
    topology,
    replicaAcks: checkedReplicaAcks(options, commandTimeoutMs),
    connection: Object.freeze({ ...connection }),
    keyPrefix: topology.kind === 'cluster' ? withHashTag(prefix) : prefix,
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
