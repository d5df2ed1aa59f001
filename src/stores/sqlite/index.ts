export { SQLiteStore } from './sqlite-store.js';
export { DEFAULT_SQLITE_PATH, type SQLiteStoreOptions, type SQLiteDurability } from './sqlite-options.js';
export type { SQLiteDatabase, SQLiteStatement } from './sqlite-driver.js';
export { SCHEMA_VERSION as SQLITE_SCHEMA_VERSION } from './sqlite-migrations.js';
