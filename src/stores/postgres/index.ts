export { PostgresStore } from './postgres-store.js';
export type { PostgresStoreOptions } from './postgres-options.js';
export type {
  PostgresPool,
  PostgresPoolClient,
  PostgresQueryable,
  PostgresQueryResult,
  PostgresConnectionConfig,
} from './postgres-driver.js';
