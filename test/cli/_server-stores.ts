import type { OAuthToken } from '../../src/token/oauth-token.js';
import { skipUnless, type ServiceName } from '../_services.js';
import { DYNALITE_ENV, dynaliteOptions, sharedDynalite } from '../stores/_dynalite.js';
import { unique } from './_cli.js';

// The DynamoDB target is a dynalite of this test process; the CLI finds it through the AWS SDK's default chain,
// from the environment it inherits.
const dynalite = await sharedDynalite();
Object.assign(process.env, DYNALITE_ENV);

/** A uniquely named place in one server store for one test: its location, a reader, and a cleanup that drops it. */
export interface ServerStoreTarget {
  readonly name: string;
  readonly location: string;
  /** Every stored token, read with the library (not the CLI). */
  readTokens(): Promise<OAuthToken[]>;
  /** Drops the table / deletes the keys. */
  cleanup(): Promise<void>;
}

export interface ServerStoreKind {
  readonly name: 'postgres' | 'redis' | 'mysql' | 'dynamodb';
  /** The shared server it needs (none: the test starts what it needs). */
  readonly service?: ServiceName;
  create(): ServerStoreTarget;
}

async function readWith<T extends { getTokens(): Promise<OAuthToken[]>; close(): Promise<void> }>(
  open: () => Promise<T>,
): Promise<OAuthToken[]> {
  const store = await open();
  try {
    return await store.getTokens();
  } finally {
    await store.close();
  }
}

export const SERVER_STORES: readonly ServerStoreKind[] = [
  {
    name: 'postgres',
    service: 'postgres',
    create() {
      const table = `cli_${unique()}`;
      const url = 'postgres://postgres@127.0.0.1:5432/test';
      return {
        name: 'postgres',
        location: `${url}?table=${table}`,
        async readTokens() {
          const { PostgresStore } = await import('../../src/stores/postgres/index.js');
          return readWith(() => PostgresStore.open({ connection: url, table }));
        },
        async cleanup() {
          const pg = (await import('pg')).default;
          const client = new pg.Client({ connectionString: url });
          await client.connect();
          try {
            await client.query(`DROP TABLE IF EXISTS "${table}" CASCADE`);
          } finally {
            await client.end();
          }
        },
      };
    },
  },
  {
    name: 'redis',
    service: 'redis',
    create() {
      const prefix = `cli-test:${unique()}:`;
      const url = 'redis://127.0.0.1:6379/0';
      return {
        name: 'redis',
        location: `${url}?prefix=${encodeURIComponent(prefix)}`,
        async readTokens() {
          const { RedisStore } = await import('../../src/stores/redis/index.js');
          return readWith(async () => new RedisStore({ url, keyPrefix: prefix }));
        },
        async cleanup() {
          const { Redis } = await import('ioredis');
          const client = new Redis(url);
          try {
            let cursor = '0';
            do {
              const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
              cursor = next;
              if (keys.length > 0) await client.del(...keys);
            } while (cursor !== '0');
          } finally {
            client.disconnect();
          }
        },
      };
    },
  },
  {
    name: 'mysql',
    service: 'mariadb',
    create() {
      const table = `cli_${unique()}`;
      const url = 'mysql://root@127.0.0.1:3306/test';
      return {
        name: 'mysql',
        location: `${url}?table=${table}`,
        async readTokens() {
          const { MySQLStore } = await import('../../src/stores/mysql/index.js');
          return readWith(() => MySQLStore.open({ url, table }));
        },
        async cleanup() {
          const mysql = await import('mysql2/promise');
          const connection = await mysql.createConnection({ host: '127.0.0.1', user: 'root', database: 'test' });
          try {
            await connection.query(`DROP TABLE IF EXISTS \`${table}\``);
          } finally {
            await connection.end();
          }
        },
      };
    },
  },
  {
    name: 'dynamodb',
    create() {
      const table = `cli-${unique()}`;
      return {
        name: 'dynamodb',
        // Region and credentials come from the environment, as on a host with an AWS profile or role.
        location: `dynamodb://${table}?endpoint=${encodeURIComponent(dynalite.endpoint)}`,
        async readTokens() {
          const { DynamoDBStore } = await import('../../src/stores/dynamodb/index.js');
          return readWith(() => DynamoDBStore.open(dynaliteOptions(dynalite.endpoint, table)));
        },
        // The table lives in this test process's in-memory dynalite, which ends with it.
        async cleanup() {},
      };
    },
  },
];

/** `skip` for a server store's tests: false when its server answers (in CI an absent server fails instead). */
export const skipFor = async (kind: ServerStoreKind): Promise<false | string> =>
  kind.service === undefined ? false : skipUnless(kind.service);
