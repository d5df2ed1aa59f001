import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { SERVICES } from '../_services.js';

export const REDIS = SERVICES.redis;
export const REDIS_URL = `redis://${REDIS.host}:${REDIS.port}`;

/** A key prefix no other test (or engineer) uses. */
export const randomPrefix = (label = 't'): string => `zts-test:${label}:${randomBytes(6).toString('hex')}:`;

/** A plain client for the tests' own checks and cleanup (not the store's). */
export function adminClient(): Redis {
  return new Redis({ host: REDIS.host, port: REDIS.port, lazyConnect: true, maxRetriesPerRequest: 1 });
}

/** Every key under a prefix (SCAN, for tests only). */
export async function keysUnder(client: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

/** Deletes every key under a prefix; resolves to how many there were. */
export async function dropPrefix(client: Redis, prefix: string): Promise<number> {
  const keys = await keysUnder(client, prefix);
  for (let i = 0; i < keys.length; i += 500) await client.del(...keys.slice(i, i + 500));
  return keys.length;
}
