export { ListStore } from './list-store.js';
export type { ListStoreOptions } from './list-options.js';
