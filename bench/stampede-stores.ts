// The shared stores of the stampede bench, from a plain description a parent hands its child processes.
import type { TokenStore } from 'zoho-token-store';

export type StampedeStore =
  | { kind: 'file'; path: string }
  | { kind: 'sqlite'; path: string }
  | { kind: 'mysql'; database: string }
  | { kind: 'postgres'; schema: string }
  | { kind: 'redis'; keyPrefix: string };

export async function openStampedeStore(spec: StampedeStore): Promise<TokenStore & { close(): Promise<void> }> {
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
      return PostgresStore.open({ connection: { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' }, schema: spec.schema });
    }
    case 'redis': {
      const { RedisStore } = await import('zoho-token-store/redis');
      return new RedisStore({ url: 'redis://127.0.0.1:6379', keyPrefix: spec.keyPrefix });
    }
  }
}
