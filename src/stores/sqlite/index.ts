export { SQLiteStore } from './sqlite-store.js';
export { DEFAULT_SQLITE_PATH, type SQLiteStoreOptions, type SQLiteDurability } from './options.js';
export type { SQLiteDatabase, SQLiteStatement } from './driver.js';
export { SCHEMA_VERSION as SQLITE_SCHEMA_VERSION } from './migrations.js';
