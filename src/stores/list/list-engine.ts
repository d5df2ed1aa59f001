import type { StoreEngine } from '../../kernel/store-engine.js';
import { checkQuery } from '../location/location-query.js';

export const LIST_ENGINE: StoreEngine = {
  scheme: 'list',
  aliases: [],
  storeName: 'ListStore',
  importPath: 'zoho-token-store',
  packages: [],
  summary: "a list of official-column lists (the article's)",
  lockCovers: 'this process',
  location: { kind: 'process', example: 'list:', query: [], openCall: 'ListStore.open()' },
  optionsOf: (location) => {
    checkQuery(location, []);
    return {};
  },
  open: async (options) => (await import('./list-store.js')).ListStore.open(options),
};
