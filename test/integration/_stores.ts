// Opens any shared store from a plain description, so a test and its child processes open the same one.
import type { TokenStore } from 'zoho-token-store';

export type StoreSpec =
  | { kind: 'file'; path: string }
  | { kind: 'sqlite'; path: string }
  | { kind: 'mysql'; database: string }
  | { kind: 'postgres'; schema: string; port?: number }
  | { kind: 'redis'; keyPrefix: string; port?: number; location?: string }
  | { kind: 'dynamodb'; endpoint: string; table: string };

export type OpenedStore = TokenStore & { close(): Promise<void> };

export async function openStore(spec: StoreSpec): Promise<OpenedStore> {
  switch (spec.kind) {
    case 'file': {
      const { FileStore } = await import('zoho-token-store/file');
      return new FileStore({ path: spec.path });
    }
    case 'sqlite': {
      const { SQLiteStore } = await import('zoho-token-store/sqlite');
      return SQLiteStore.open({ path: spec.path });
    }
    case 'mysql': {
      const { MySQLStore } = await import('zoho-token-store/mysql');
      return MySQLStore.open({ host: '127.0.0.1', port: 3306, user: 'root', password: '', database: spec.database, createDatabase: true });
    }
    case 'postgres': {
      const { PostgresStore } = await import('zoho-token-store/postgres');
      // A port of its own: a pooler (PgBouncer) in front of the shared server.
      return PostgresStore.open({
        connection: { host: '127.0.0.1', port: spec.port ?? 5432, user: 'postgres', database: 'test' },
        schema: spec.schema,
      });
    }
    case 'redis': {
      // A cluster or Sentinels of the test's own (redis+cluster://…, redis+sentinel://…).
      if (spec.location !== undefined) {
        const { openStore: open } = await import('zoho-token-store');
        return open(spec.location, { prefix: spec.keyPrefix });
      }
      const { RedisStore } = await import('zoho-token-store/redis');
      // A port of its own: a throwaway server a test restarts.
      return new RedisStore({ url: `redis://127.0.0.1:${spec.port ?? 6379}`, keyPrefix: spec.keyPrefix });
    }
    case 'dynamodb': {
      const { DynamoDBStore } = await import('zoho-token-store/dynamodb');
      const { dynaliteOptions } = await import('../stores/_dynalite-client.js');
      return DynamoDBStore.open(dynaliteOptions(spec.endpoint, spec.table));
    }
  }
}
