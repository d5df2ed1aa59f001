export { MySQLStore } from './mysql-store.js';
export type { MySQLStoreOptions } from './mysql-options.js';
export type { MySqlPool, MySqlCallbackPool, MySqlPoolConnection } from './mysql-driver.js';
