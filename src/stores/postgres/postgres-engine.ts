import type { StoreEngine } from '../../kernel/store-engine.js';
import { booleanOptions, connectionUrl, textOptions } from '../location/location-query.js';

const QUERY = ['schema', 'table', 'createTable'] as const;

export const POSTGRES_ENGINE: StoreEngine = {
  scheme: 'postgres',
  aliases: ['postgresql'],
  storeName: 'PostgresStore',
  importPath: 'zoho-token-store/postgres',
  packages: ['pg'],
  summary: 'a PostgreSQL table with the official `oauthtoken` columns',
  lockCovers: 'every host that reaches the server',
  location: {
    kind: 'server',
    example: 'postgres://user:pass@host:5432/db?schema=zoho&table=oauthtoken',
    alternatives: '`postgresql://`',
    query: QUERY,
    openCall: 'PostgresStore.open({ url, schema, table, createTable })',
  },
  // Other query parameters (sslmode, …) stay in the URL, for pg.
  optionsOf: (location) => ({
    url: connectionUrl(location, QUERY),
    ...textOptions(location, ['schema', 'table']),
    ...booleanOptions(location, ['createTable']),
  }),
  open: async (options) => (await import('./postgres-store.js')).PostgresStore.open(options),
};
