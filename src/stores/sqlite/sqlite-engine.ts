import type { StoreEngine } from '../../kernel/store-engine.js';
import { checkQuery } from '../location/location-query.js';

export const SQLITE_ENGINE: StoreEngine = {
  scheme: 'sqlite',
  aliases: ['sqlite3'],
  storeName: 'SQLiteStore',
  importPath: 'zoho-token-store/sqlite',
  packages: ['better-sqlite3'],
  summary: 'a SQLite file (`zohooauth.db`) or `:memory:`',
  lockCovers: 'every process on the host that opens the file',
  location: {
    kind: 'file',
    example: 'sqlite:./zohooauth.db',
    alternatives: '`sqlite::memory:`, or a path ending in `.db`, `.sqlite`, `.sqlite3` or `.db3`',
    query: [],
    openCall: "SQLiteStore.open({ path: './zohooauth.db' })",
  },
  optionsOf: (location) => {
    checkQuery(location, []);
    return { path: location.path };
  },
  open: async (options) => (await import('./sqlite-store.js')).SQLiteStore.open(options),
};
