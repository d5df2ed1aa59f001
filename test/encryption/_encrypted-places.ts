// Where an encrypted store's data lives, for each store kind: a unique place, a way to open a store there with
// any key ring (or none), a raw view of what is stored (bytes and rows, read beside the store), and cleanup.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { EncryptionOptions } from 'zoho-token-store';
import type { BackendTokenStore } from 'zoho-token-store/kernel';
import { adminClient, dropPrefix, keysUnder, randomPrefix, REDIS_URL } from '../stores/_redis-support.js';
import { dropDatabase, MARIADB, uniqueDatabaseName } from '../stores/_mysql-databases.js';
import { PG_CONNECTION, dropSchema, uniqueName } from '../stores/_postgres.js';

export type StoreKind = 'file' | 'sqlite' | 'mysql' | 'postgres' | 'redis' | 'dynamodb';

export const KEY_A = randomBytes(32);
export const KEY_B = randomBytes(32);
/** Only key a. */
export const RING_A: EncryptionOptions = { keys: { a: KEY_A }, currentKeyId: 'a' };
/** Keys a and b, b current (a rotation in progress). */
export const RING_AB: EncryptionOptions = { keys: { a: KEY_A, b: KEY_B.toString('base64') }, currentKeyId: 'b' };
/** Only key b (a removed). */
export const RING_B: EncryptionOptions = { keys: { b: KEY_B }, currentKeyId: 'b' };
/** Key id a, but with b's key material: the wrong key under the right id. */
export const RING_WRONG_A: EncryptionOptions = { keys: { a: KEY_B }, currentKeyId: 'a' };

export interface Place {
  readonly kind: StoreKind;
  /** Opens a store on this place; without `encryption`, a plain store. */
  open(encryption?: EncryptionOptions): Promise<BackendTokenStore>;
  /** Everything stored, as raw as the engine gives it (file bytes; every row and key), for secret scans. */
  rawBytes(): Promise<string>;
  /** The stored rows in a fixed order, for before/after comparisons. */
  rows(): Promise<string>;
  /** Has the engine drop copies of old values it keeps (SQLite: VACUUM and a WAL checkpoint); see docs/encryption.md. */
  compact(): Promise<void>;
  remove(): Promise<void>;
}

const sortedJson = (rows: readonly unknown[]): string =>
  rows
    .map((row) => JSON.stringify(row))
    .sort()
    .join('\n');

export async function newPlace(kind: StoreKind): Promise<Place> {
  switch (kind) {
    case 'file': {
      const dir = mkdtempSync(join(tmpdir(), 'zts-enc-file-'));
      const path = join(dir, 'sdk_tokens.txt');
      const read = async () => (existsSync(path) ? readFileSync(path, 'latin1') : '');
      return {
        kind,
        open: async (encryption) => {
          const { FileStore } = await import('zoho-token-store/file');
          return new FileStore({ path, fsync: false, ...(encryption ? { encryption } : {}) });
        },
        rawBytes: read,
        rows: read,
        compact: async () => undefined,
        remove: async () => rmSync(dir, { recursive: true, force: true }),
      };
    }
    case 'sqlite': {
      const dir = mkdtempSync(join(tmpdir(), 'zts-enc-sqlite-'));
      const path = join(dir, 'tokens.db');
      return {
        kind,
        open: async (encryption) => {
          const { SQLiteStore } = await import('zoho-token-store/sqlite');
          return SQLiteStore.open({ path, durability: 'normal', ...(encryption ? { encryption } : {}) });
        },
        rawBytes: async () =>
          ['', '-wal', '-shm'].map((suffix) => (existsSync(path + suffix) ? readFileSync(path + suffix, 'latin1') : '')).join('\n'),
        rows: async () => {
          const db = new Database(path, { readonly: true });
          try {
            return sortedJson(db.prepare('SELECT * FROM oauthtoken').all());
          } finally {
            db.close();
          }
        },
        compact: async () => {
          const db = new Database(path);
          try {
            db.exec('VACUUM');
            db.pragma('wal_checkpoint(TRUNCATE)');
          } finally {
            db.close();
          }
        },
        remove: async () => rmSync(dir, { recursive: true, force: true }),
      };
    }
    case 'mysql': {
      const database = uniqueDatabaseName('enc');
      const select = async () => {
        const connection = await mysql.createConnection({ ...MARIADB });
        try {
          const [rows] = await connection.query(`SELECT * FROM \`${database}\`.oauthtoken`);
          return sortedJson(rows as unknown[]);
        } finally {
          await connection.end();
        }
      };
      return {
        kind,
        open: async (encryption) => {
          const { MySQLStore } = await import('zoho-token-store/mysql');
          return MySQLStore.open({ ...MARIADB, database, createDatabase: true, connectionLimit: 4, ...(encryption ? { encryption } : {}) });
        },
        rawBytes: select,
        rows: select,
        compact: async () => undefined,
        remove: () => dropDatabase(database),
      };
    }
    case 'postgres': {
      const schema = uniqueName('enc');
      const select = async () => {
        const client = new pg.Client({ ...PG_CONNECTION });
        await client.connect();
        try {
          return sortedJson((await client.query(`SELECT * FROM "${schema}".oauthtoken`)).rows);
        } finally {
          await client.end();
        }
      };
      return {
        kind,
        open: async (encryption) => {
          const { PostgresStore } = await import('zoho-token-store/postgres');
          return PostgresStore.open({ connection: { ...PG_CONNECTION, max: 4 }, schema, ...(encryption ? { encryption } : {}) });
        },
        rawBytes: select,
        rows: select,
        compact: async () => undefined,
        remove: async () => {
          const pool = new pg.Pool({ ...PG_CONNECTION, max: 1 });
          try {
            await dropSchema(pool, schema);
          } finally {
            await pool.end();
          }
        },
      };
    }
    case 'redis': {
      const keyPrefix = randomPrefix('enc');
      // Key names, every value (HGETALL, GET, SMEMBERS, ZRANGE), and DUMP: all that Redis holds under the prefix.
      const dump = async (withDump: boolean) => {
        const client = adminClient();
        try {
          const entries: string[] = [];
          for (const key of (await keysUnder(client, keyPrefix)).sort()) {
            if (key.includes(':lock')) continue; // locks come and go; they hold no token data
            const type = await client.type(key);
            let value: unknown = null;
            if (type === 'hash') value = Object.entries(await client.hgetall(key)).sort(([a], [b]) => (a < b ? -1 : 1));
            else if (type === 'string') value = await client.get(key);
            else if (type === 'set') value = (await client.smembers(key)).sort();
            else if (type === 'zset') value = await client.zrange(key, '0', '-1', 'WITHSCORES');
            else if (type === 'list') value = await client.lrange(key, 0, -1);
            const raw = withDump ? ((await client.dumpBuffer(key))?.toString('latin1') ?? '') : '';
            entries.push(JSON.stringify([key, type, value]) + raw);
          }
          return entries.join('\n');
        } finally {
          client.disconnect();
        }
      };
      return {
        kind,
        open: async (encryption) => {
          const { RedisStore } = await import('zoho-token-store/redis');
          return new RedisStore({ url: REDIS_URL, keyPrefix, ...(encryption ? { encryption } : {}) });
        },
        rawBytes: () => dump(true),
        rows: () => dump(false),
        compact: async () => undefined,
        remove: async () => {
          const client = adminClient();
          try {
            await dropPrefix(client, keyPrefix);
          } finally {
            client.disconnect();
          }
        },
      };
    }
    case 'dynamodb': {
      const { sharedDynalite, uniqueTable, dynaliteOptions } = await import('../stores/_dynalite.js');
      const options = dynaliteOptions((await sharedDynalite()).endpoint, uniqueTable('enc'));
      // Every item of the table, every attribute, keys included (locks aside: they come and go, holding no token data).
      const items = async () => {
        const sdk = await import('@aws-sdk/client-dynamodb');
        const client = new sdk.DynamoDBClient({
          endpoint: options.endpoint,
          region: options.region,
          credentials: { ...options.credentials },
        });
        try {
          const found: unknown[] = [];
          let start: Record<string, unknown> | undefined;
          do {
            const page = await client.send(
              new sdk.ScanCommand({ TableName: options.table, ConsistentRead: true, ExclusiveStartKey: start as never }),
            );
            found.push(...(page.Items ?? []).filter((item) => !item.pk?.S?.startsWith('lock#')));
            start = page.LastEvaluatedKey;
          } while (start !== undefined);
          return sortedJson(found.map((item) => Object.entries(item as object).sort(([a], [b]) => (a < b ? -1 : 1))));
        } finally {
          client.destroy();
        }
      };
      return {
        kind,
        open: async (encryption) => {
          const { DynamoDBStore } = await import('zoho-token-store/dynamodb');
          return DynamoDBStore.open({ ...options, ...(encryption ? { encryption } : {}) });
        },
        rawBytes: items,
        rows: items,
        compact: async () => undefined,
        // The table lives in this test process's in-memory dynalite, which ends with it.
        remove: async () => undefined,
      };
    }
  }
}
