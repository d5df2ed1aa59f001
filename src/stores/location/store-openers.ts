import type { BackendTokenStore } from '../../kernel/backend-token-store.js';
import { booleanOptions, checkQuery, connectionUrl, textOptions } from './location-query.js';
import type { StoreLocation, StoreScheme } from './store-location.js';

/** Store options taken from a location (`path`, `url`, `?table=`…), before the caller's options are added. */
export type LocationOptions = Record<string, unknown>;

/**
 * How each scheme opens its store: the options its location gives, and the store's own `open`, from its module
 * imported only when a location names it (so `openStore('file:…')` never loads a database driver's store).
 */
export interface StoreOpener {
  optionsOf(location: StoreLocation): LocationOptions;
  open(options: LocationOptions): Promise<BackendTokenStore>;
}

const MYSQL_QUERY = ['table', 'createDatabase', 'createTable'] as const;
const POSTGRES_QUERY = ['schema', 'table'] as const;
const REDIS_QUERY = ['prefix'] as const;

function withoutQuery(location: StoreLocation): LocationOptions {
  checkQuery(location, []);
  return {};
}

function fileOptions(location: StoreLocation): LocationOptions {
  checkQuery(location, []);
  return { path: location.path };
}

export const STORE_OPENERS: Readonly<Record<StoreScheme, StoreOpener>> = {
  memory: {
    optionsOf: withoutQuery,
    open: async (options) => (await import('../memory/memory-store.js')).MemoryStore.open(options),
  },
  list: {
    optionsOf: withoutQuery,
    open: async (options) => (await import('../list/list-store.js')).ListStore.open(options),
  },
  file: {
    optionsOf: fileOptions,
    open: async (options) => (await import('../file/index.js')).FileStore.open(options),
  },
  sqlite: {
    optionsOf: fileOptions,
    open: async (options) => (await import('../sqlite/index.js')).SQLiteStore.open(options),
  },
  mysql: {
    optionsOf: (location) => {
      checkQuery(location, MYSQL_QUERY);
      return { url: connectionUrl(location, MYSQL_QUERY), ...textOptions(location, ['table']), ...booleanOptions(location, ['createDatabase', 'createTable']) };
    },
    open: async (options) => (await import('../mysql/index.js')).MySQLStore.open(options),
  },
  postgres: {
    // Other query parameters (sslmode, …) stay in the URL, for pg.
    optionsOf: (location) => ({ url: connectionUrl(location, POSTGRES_QUERY), ...textOptions(location, POSTGRES_QUERY) }),
    open: async (options) => (await import('../postgres/index.js')).PostgresStore.open(options),
  },
  redis: {
    optionsOf: (location) => {
      checkQuery(location, REDIS_QUERY);
      return { url: connectionUrl(location, REDIS_QUERY), ...textOptions(location, REDIS_QUERY) };
    },
    open: async (options) => (await import('../redis/index.js')).RedisStore.open(options),
  },
};
