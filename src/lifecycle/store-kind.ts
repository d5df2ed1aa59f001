import type { StoreKind } from './lifecycle-events.js';

// By class name, walking up the prototype chain: a subclass of SQLiteStore is a SQLite store. Names, not imports, so
// the lifecycle does not load every store's module to tell them apart.
const KINDS: Readonly<Record<string, StoreKind>> = {
  MemoryStore: 'memory',
  ListStore: 'list',
  FileStore: 'file',
  SQLiteStore: 'sqlite',
  MySQLStore: 'mysql',
  PostgresStore: 'postgresql',
  RedisStore: 'redis',
  DynamoDBStore: 'dynamodb',
};

/** The kind of a store, from the closed set telemetry reports (`other` for anything this package did not make). */
export function storeKindOf(store: object): StoreKind {
  for (
    let proto: object | null = Object.getPrototypeOf(store) as object | null;
    proto !== null;
    proto = Object.getPrototypeOf(proto) as object | null
  ) {
    const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof name === 'string' && Object.hasOwn(KINDS, name)) return KINDS[name] as StoreKind;
  }
  return 'other';
}
