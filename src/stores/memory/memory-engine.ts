import type { StoreEngine } from '../../kernel/store-engine.js';
import { checkQuery } from '../location/location-query.js';

export const MEMORY_ENGINE: StoreEngine = {
  scheme: 'memory',
  aliases: [],
  storeName: 'MemoryStore',
  importPath: 'zoho-token-store',
  packages: [],
  summary: 'a Map with a hash index per lookup key',
  lockCovers: 'this process',
  location: { kind: 'process', example: 'memory:', query: [], openCall: 'MemoryStore.open()' },
  optionsOf: (location) => {
    checkQuery(location, []);
    return {};
  },
  open: async (options) => (await import('./memory-store.js')).MemoryStore.open(options),
};
