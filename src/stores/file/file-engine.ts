import type { StoreEngine } from '../../kernel/store-engine.js';
import { checkQuery } from '../location/location-query.js';

export const FILE_ENGINE: StoreEngine = {
  scheme: 'file',
  aliases: [],
  storeName: 'FileStore',
  importPath: 'zoho-token-store/file',
  packages: ['proper-lockfile'],
  summary: 'the official `sdk_tokens.txt` CSV file',
  lockCovers: 'every process of the host',
  location: {
    kind: 'file',
    example: 'file:./sdk_tokens.txt',
    alternatives: 'or a path not ending in `.db`…',
    query: [],
    openCall: "FileStore.open({ path: './sdk_tokens.txt' })",
  },
  optionsOf: (location) => {
    checkQuery(location, []);
    return { path: location.path };
  },
  open: async (options) => (await import('./file-store.js')).FileStore.open(options),
};
