import type { StoreEngine } from '../kernel/store-engine.js';
import { DYNAMODB_ENGINE } from './dynamodb/dynamodb-engine.js';
import { FILE_ENGINE } from './file/file-engine.js';
import { LIST_ENGINE } from './list/list-engine.js';
import { MEMORY_ENGINE } from './memory/memory-engine.js';
import { MYSQL_ENGINE } from './mysql/mysql-engine.js';
import { POSTGRES_ENGINE } from './postgres/postgres-engine.js';
import { REDIS_ENGINE } from './redis/redis-engine.js';
import { SQLITE_ENGINE } from './sqlite/sqlite-engine.js';

/**
 * Every store engine of the library: the one list `openStore`, the location parser, the CLI's help and the README's
 * store tables are built from. A new engine is a folder under src/stores and one line here (and its subpath in
 * package.json's exports). Each definition loads its store's module only when a location names it.
 */
export const STORE_ENGINES: readonly StoreEngine[] = Object.freeze([
  MEMORY_ENGINE,
  LIST_ENGINE,
  FILE_ENGINE,
  SQLITE_ENGINE,
  MYSQL_ENGINE,
  POSTGRES_ENGINE,
  REDIS_ENGINE,
  DYNAMODB_ENGINE,
]);

/** The engine a scheme or alias names (case-insensitive), or undefined. */
export function engineOfScheme(name: string): StoreEngine | undefined {
  const lower = name.toLowerCase();
  return STORE_ENGINES.find((engine) => engine.scheme === lower || engine.aliases.includes(lower));
}
