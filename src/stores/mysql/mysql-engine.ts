import type { StoreEngine } from '../../kernel/store-engine.js';
import { booleanOptions, checkQuery, connectionUrl, textOptions } from '../location/location-query.js';

const QUERY = ['table', 'createDatabase', 'createTable'] as const;

export const MYSQL_ENGINE: StoreEngine = {
  scheme: 'mysql',
  aliases: ['mariadb'],
  storeName: 'MySQLStore',
  importPath: 'zoho-token-store/mysql',
  packages: ['mysql2'],
  summary: 'the official `oauthtoken` table on MySQL / MariaDB, through a pool',
  lockCovers: 'every host using the server',
  location: {
    kind: 'server',
    example: 'mysql://user:pass@host:3306/zohooauth?table=oauthtoken',
    alternatives: '`mariadb://`',
    query: QUERY,
    openCall: 'MySQLStore.open({ url, table })',
  },
  optionsOf: (location) => {
    checkQuery(location, QUERY);
    return {
      url: connectionUrl(location, QUERY),
      ...textOptions(location, ['table']),
      ...booleanOptions(location, ['createDatabase', 'createTable']),
    };
  },
  open: async (options) => (await import('./mysql-store.js')).MySQLStore.open(options),
};
