export { RedisStore } from './redis-store.js';
export { DEFAULT_KEY_PREFIX, type RedisStoreOptions } from './redis-options.js';
