// One way per store kind to make its storage unreachable and reachable again, without touching the shared
// servers: a TCP proxy that is cut for MySQL, PostgreSQL and Redis; another connection holding SQLite's write
// lock; the token file's write lock held by "another process".
import { mkdirSync, mkdtempSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { TokenStore } from 'zoho-token-store';
import { skipUnless, type ServiceName } from '../_services.js';
import { TcpProxy } from '../_tcp-proxy.js';
import { openStore, type OpenedStore } from '../integration/_stores.js';
import { MARIADB, dropDatabase, uniqueDatabaseName } from '../stores/_mysql-databases.js';
import { PG_CONNECTION, adminPool, dropSchema, uniqueName } from '../stores/_postgres.js';
import { adminClient, dropPrefix, randomPrefix } from '../stores/_redis-support.js';

export interface StoreUnderFault {
  /** The store the manager uses: the one the fault hits. */
  readonly store: OpenedStore;
  /** Another view of the same data that the fault does not hit, to compare rows during the fault. */
  readonly witness: TokenStore;
  /** Starts the fault: the store can no longer write (server stores: can no longer reach the server at all). */
  cut(): Promise<void>;
  /** Lifts it. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export interface StoreFaultCase {
  readonly kind: 'mysql' | 'postgres' | 'redis' | 'sqlite' | 'file';
  readonly service?: ServiceName;
  /** What the fault is, for test names and docs/faults.md. */
  readonly fault: string;
  /**
   * Refresh requests one renewal sends while the fault lasts: 0 when the store cannot take its refresh lock or read
   * (server stores; SQLite, whose refresh lock is a write), 1 when it can (the token file: its refresh lock is
   * another lock than its write lock), so the renewal runs and only its save fails.
   */
  readonly requestsDuringFault: 0 | 1;
  /**
   * Refresh requests of a later call while the fault still lasts, after a renewal whose save failed. SQLite: 0, as
   * the failed renewal could not delete its refresh lock row either, and a renewal never runs without the lock: the
   * next one keeps trying to end that hold of its own process, and reports the store as unavailable. The token file:
   * 1, as its refresh lock is another lock than its write lock, so the renewal runs and only its save fails again.
   */
  readonly laterRequestsDuringFault: 0 | 1;
  open(): Promise<StoreUnderFault>;
}

/** The PostgreSQL store connects with this password (the test server trusts local connections and ignores it), so leak checks have one to look for. */
export const PG_PASSWORD = `pg-password-${process.pid}-${Date.now().toString(36)}`;

let folder: string | null = null;
let files = 0;
/** A new file path in this module's temporary folder (created on first use). */
const tempFile = (extension: string): string =>
  join((folder ??= mkdtempSync(join(tmpdir(), 'zts-faults-'))), `tokens-${++files}.${extension}`);
export const removeFolder = (): void => {
  if (folder !== null) rmSync(folder, { recursive: true, force: true });
  folder = null;
};

async function proxied(kind: 'mysql' | 'postgres' | 'redis', target: { host: string; port: number }): Promise<StoreUnderFault> {
  const proxy = await new TcpProxy(target.host, target.port).start();
  let store: OpenedStore;
  let witness: OpenedStore;
  let cleanUp: () => Promise<void>;
  if (kind === 'mysql') {
    const database = uniqueDatabaseName('faults');
    const { MySQLStore } = await import('zoho-token-store/mysql');
    store = await MySQLStore.open({ ...MARIADB, port: proxy.port, database, createDatabase: true, connectTimeoutMs: 1_000 });
    witness = await openStore({ kind: 'mysql', database });
    cleanUp = () => dropDatabase(database);
  } else if (kind === 'postgres') {
    const schema = uniqueName('faults');
    const { PostgresStore } = await import('zoho-token-store/postgres');
    store = await PostgresStore.open({
      connection: { ...PG_CONNECTION, password: PG_PASSWORD, port: proxy.port, max: 3, connectionTimeoutMillis: 2_000 },
      schema,
    });
    witness = await openStore({ kind: 'postgres', schema });
    cleanUp = async () => {
      const admin = adminPool();
      await dropSchema(admin, schema);
      await admin.end();
    };
  } else {
    const keyPrefix = randomPrefix('faults');
    const { RedisStore } = await import('zoho-token-store/redis');
    store = new RedisStore({ url: `redis://127.0.0.1:${proxy.port}`, keyPrefix, commandTimeoutMs: 1_000 });
    witness = await openStore({ kind: 'redis', keyPrefix });
    cleanUp = async () => {
      const admin = adminClient();
      await dropPrefix(admin, keyPrefix);
      await admin.quit();
    };
  }
  return {
    store,
    witness,
    cut: () => proxy.cut(),
    restore: () => proxy.restore(),
    async close() {
      await proxy.restore();
      await store.close();
      await witness.close();
      await proxy.close();
      await cleanUp();
    },
  };
}

export const STORE_FAULT_CASES: readonly StoreFaultCase[] = [
  {
    kind: 'mysql',
    service: 'mariadb',
    fault: 'the server unreachable (every connection reset, new ones refused)',
    requestsDuringFault: 0,
    laterRequestsDuringFault: 0,
    open: () => proxied('mysql', { host: MARIADB.host, port: MARIADB.port }),
  },
  {
    kind: 'postgres',
    service: 'postgres',
    fault: 'the server unreachable (every connection reset, new ones refused)',
    requestsDuringFault: 0,
    laterRequestsDuringFault: 0,
    open: () => proxied('postgres', { host: PG_CONNECTION.host, port: PG_CONNECTION.port }),
  },
  {
    kind: 'redis',
    service: 'redis',
    fault: 'the server unreachable (every connection reset, new ones refused)',
    requestsDuringFault: 0,
    laterRequestsDuringFault: 0,
    open: () => proxied('redis', { host: '127.0.0.1', port: 6379 }),
  },
  {
    kind: 'sqlite',
    fault: "another connection holds the database's write lock past busyTimeoutMs",
    requestsDuringFault: 0,
    laterRequestsDuringFault: 0,
    async open() {
      const path = tempFile('db');
      const { SQLiteStore } = await import('zoho-token-store/sqlite');
      const store = await SQLiteStore.open({ path, busyTimeoutMs: 200 });
      const witness = await SQLiteStore.open({ path });
      const other = new Database(path);
      return {
        store,
        witness,
        cut: async () => void other.exec('BEGIN IMMEDIATE'),
        restore: async () => void (other.inTransaction && other.exec('COMMIT')),
        async close() {
          if (other.inTransaction) other.exec('COMMIT');
          other.close();
          await store.close();
          await witness.close();
        },
      };
    },
  },
  {
    kind: 'file',
    fault: "another process holds the token file's write lock past lockWaitMs",
    requestsDuringFault: 1,
    laterRequestsDuringFault: 1,
    async open() {
      const path = tempFile('txt');
      const { FileStore } = await import('zoho-token-store/file');
      const store = new FileStore({ path, lockWaitMs: 300 });
      const witness = new FileStore({ path });
      // The lock is a directory (proper-lockfile); a fresh one is a live holder until it goes stale.
      const lockPath = `${path}.lock`;
      return {
        store,
        witness,
        cut: async () => mkdirSync(lockPath),
        restore: async () => rmdirSync(lockPath),
        async close() {
          rmSync(lockPath, { recursive: true, force: true });
          await store.close();
          await witness.close();
        },
      };
    },
  },
];

export async function skipOf(storeCase: StoreFaultCase): Promise<false | string> {
  return storeCase.service ? skipUnless(storeCase.service) : false;
}
