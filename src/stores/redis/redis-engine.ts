import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import type { StoreEngine, StoreLocation } from '../../kernel/store-engine.js';
import { checkQuery, connectionUrl, textOptions } from '../location/location-query.js';

const QUERY = ['prefix', 'waitReplicas', 'waitTimeoutMs'] as const;

const invalid = (message: string): TokenStoreError => new TokenStoreError(ErrorCode.INVALID_CONFIG, message);

/** `?waitReplicas=1&waitTimeoutMs=500` as numbers (the store checks their range). */
function numberOptions(location: StoreLocation): Record<string, number> {
  const options: Record<string, number> = {};
  for (const name of ['waitReplicas', 'waitTimeoutMs']) {
    const value = location.params.get(name);
    if (value === null) continue;
    if (!/^\d{1,9}$/.test(value)) throw invalid(`The redis store location option "${name}" must be a whole number.`);
    options[name] = Number(value);
  }
  return options;
}

/** Every `host:port` of the location as nodes (the URL's own host when it lists one). */
function nodesOf(location: StoreLocation, url: URL): Array<{ host: string; port: number }> {
  const hosts = location.hosts ?? [`${url.hostname}:${url.port || '6379'}`];
  return hosts.map((host) => {
    const at = host.lastIndexOf(':');
    return { host: host.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port: Number(host.slice(at + 1)) };
  });
}

/** Username, password and TLS of a cluster or sentinel location, for each node's connection. */
function credentialsOf(url: URL, tls: boolean): Record<string, unknown> {
  return {
    ...(url.username !== '' ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password !== '' ? { password: decodeURIComponent(url.password) } : {}),
    ...(tls ? { tls: {} } : {}),
  };
}

/**
 * `redis+cluster://[user:pass@]h1:p1,h2:p2` (seed nodes of a Redis Cluster) and
 * `redis+sentinel://[user:pass@]s1:p1,s2:p2/<masterName>[/<db>]` (the Sentinels, then the name they monitor the master
 * under; the credentials are the master's). `rediss+…` connects with TLS.
 */
function topologyOptions(location: StoreLocation, url: URL): Record<string, unknown> {
  const [, kind] = url.protocol.replace(/:$/, '').split('+') as [string, string];
  const tls = url.protocol.startsWith('rediss');
  const path = url.pathname.split('/').filter((part) => part !== '');
  const connection = credentialsOf(url, tls);
  if (kind === 'cluster') {
    if (path.length > 0)
      throw invalid('A redis+cluster location has no path: a cluster has one database (redis+cluster://host:port,host:port?prefix=…).');
    return { cluster: nodesOf(location, url), ...(Object.keys(connection).length > 0 ? { connection } : {}) };
  }
  if (path.length < 1 || path.length > 2 || (path[1] !== undefined && !/^\d{1,5}$/.test(path[1]))) {
    throw invalid(
      'A redis+sentinel location names the master after the Sentinels: redis+sentinel://host:port,host:port/<masterName>[/<db>].',
    );
  }
  const db = path[1] === undefined ? {} : { db: Number(path[1]) };
  const options = { ...connection, ...db };
  return {
    sentinels: nodesOf(location, url),
    masterName: decodeURIComponent(path[0] as string),
    ...(Object.keys(options).length > 0 ? { connection: options } : {}),
  };
}

export const REDIS_ENGINE: StoreEngine = {
  scheme: 'redis',
  aliases: ['rediss', 'redis+cluster', 'rediss+cluster', 'redis+sentinel', 'rediss+sentinel'],
  storeName: 'RedisStore',
  importPath: 'zoho-token-store/redis',
  packages: ['ioredis'],
  summary: 'Redis (one server, Cluster or Sentinel): a hash per token, an index per looked-up value',
  lockCovers: 'every process and host using the server',
  location: {
    kind: 'server',
    example: 'redis://[user:pass@]host:6379/0?prefix=zoho:tokens:',
    alternatives: '`rediss://`; `redis+cluster://host:port,host:port`; `redis+sentinel://host:port,host:port/masterName`',
    manyHosts: true,
    query: QUERY,
    openCall: 'RedisStore.open({ url, prefix })',
  },
  optionsOf: (location) => {
    checkQuery(location, QUERY);
    const url = location.url as URL;
    const own = { ...textOptions(location, ['prefix']), ...numberOptions(location) };
    if (!url.protocol.includes('+')) {
      if (location.hosts !== undefined)
        throw invalid('A redis:// location names one server; for a cluster write redis+cluster://host:port,host:port.');
      return { url: connectionUrl(location, QUERY), ...own };
    }
    return { ...topologyOptions(location, url), ...own };
  },
  open: async (options) => (await import('./redis-store.js')).RedisStore.open(options),
};
