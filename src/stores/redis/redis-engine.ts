import type { StoreEngine } from '../../kernel/store-engine.js';
import { checkQuery, connectionUrl, textOptions } from '../location/location-query.js';

const QUERY = ['prefix'] as const;

export const REDIS_ENGINE: StoreEngine = {
  scheme: 'redis',
  aliases: ['rediss'],
  storeName: 'RedisStore',
  importPath: 'zoho-token-store/redis',
  packages: ['ioredis'],
  summary: 'Redis: a hash per token, an index per looked-up value',
  lockCovers: 'every process and host using the server',
  location: {
    kind: 'server',
    example: 'redis://[user:pass@]host:6379/0?prefix=zoho:tokens:',
    alternatives: '`rediss://`',
    query: QUERY,
    openCall: 'RedisStore.open({ url, prefix })',
  },
  optionsOf: (location) => {
    checkQuery(location, QUERY);
    return { url: connectionUrl(location, QUERY), ...textOptions(location, QUERY) };
  },
  open: async (options) => (await import('./redis-store.js')).RedisStore.open(options),
};
