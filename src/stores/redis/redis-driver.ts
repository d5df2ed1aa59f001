import type { Cluster, ClusterNode, ClusterOptions, Redis } from 'ioredis';
import { loadOptional } from '../../drivers/load-optional.js';
import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';

/** ioredis's client class, as its module exports it (named in 5, default in older builds). */
export type RedisClientClass = new (...args: unknown[]) => Redis;

/** ioredis's Cluster class. */
export type RedisClusterClass = new (nodes: ClusterNode[], options?: ClusterOptions) => Cluster;

type IoRedisModule = {
  Redis?: RedisClientClass;
  Cluster?: RedisClusterClass;
  default?: RedisClientClass & { Cluster?: RedisClusterClass };
};

/** Loads ioredis (an optional peer dependency) and its client class; DRIVER_MISSING names the package to install. */
export async function loadRedisClient(): Promise<RedisClientClass> {
  const module = await loadOptional<IoRedisModule>('ioredis', 'The Redis store');
  const RedisClient = module.Redis ?? module.default;
  if (typeof RedisClient !== 'function') {
    throw new TokenStoreError(ErrorCode.DRIVER_MISSING, 'The installed "ioredis" package has no Redis class; install ioredis 5 or newer.');
  }
  return RedisClient;
}

/** Loads ioredis and its Cluster class, as `loadRedisClient` does. */
export async function loadRedisCluster(): Promise<RedisClusterClass> {
  const module = await loadOptional<IoRedisModule>('ioredis', 'The Redis store');
  const Cluster = module.Cluster ?? module.default?.Cluster;
  if (typeof Cluster !== 'function') {
    throw new TokenStoreError(
      ErrorCode.DRIVER_MISSING,
      'The installed "ioredis" package has no Cluster class; install ioredis 5 or newer.',
    );
  }
  return Cluster;
}
