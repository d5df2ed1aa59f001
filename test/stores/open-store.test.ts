// openStore: every store from its location string, against the real servers, with a save/find round trip.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ErrorCode, ListStore, MemoryStore, OAuthToken, openStore, TokenStoreError, type OpenStoreOptions } from 'zoho-token-store';
import type { BackendTokenStore } from 'zoho-token-store/kernel';
import { FileStore } from 'zoho-token-store/file';
import { MySQLStore } from 'zoho-token-store/mysql';
import { PostgresStore } from 'zoho-token-store/postgres';
import { RedisStore } from 'zoho-token-store/redis';
import { SQLiteStore } from 'zoho-token-store/sqlite';
import { skipUnless } from '../_services.js';
import { RING_A } from '../encryption/_encrypted-places.js';
import { tempDir } from './_file-temp.js';
import { admin as mysqlAdmin, dropDatabase, uniqueDatabaseName } from './_mysql-databases.js';
import { adminPool, dropSchema, uniqueName } from './_postgres.js';
import { adminClient, dropPrefix, keysUnder, randomPrefix } from './_redis-support.js';

const mysqlSkip = await skipUnless('mariadb');
const postgresSkip = await skipUnless('postgres');
const redisSkip = await skipUnless('redis');

const folder = tempDir('open-store');
const database = uniqueDatabaseName('open');
const schema = uniqueName('open');
const prefix = randomPrefix('open');
after(async () => {
  folder.remove();
  if (!mysqlSkip) await dropDatabase(database);
  if (!postgresSkip) {
    const pool = adminPool();
    await dropSchema(pool, schema).finally(() => pool.end());
  }
  if (!redisSkip) {
    const client = adminClient();
    await dropPrefix(client, prefix).finally(() => client.disconnect());
  }
});

const newToken = (): OAuthToken =>
  new OAuthToken({
    userSignature: `${randomBytes(4).toString('hex')}@example.com`,
    clientId: '1000.OPENSTORE',
    clientSecret: randomBytes(16).toString('hex'),
    refreshToken: `1000.${randomBytes(16).toString('hex')}`,
    accessToken: `1000.${randomBytes(16).toString('hex')}`,
    expiresAt: Date.now() + 3_600_000,
  });

/** Saves a token, finds it by user and by id in the same store, and returns it as saved. */
async function roundTrip(store: BackendTokenStore): Promise<OAuthToken> {
  const token = newToken();
  await store.saveToken(token);
  assert.ok(token.id, 'saveToken set the id');
  const byUser = await store.findToken(new OAuthToken({ userSignature: token.userName }));
  assert.equal(byUser?.refreshToken, token.refreshToken);
  assert.equal(byUser?.clientSecret, token.clientSecret);
  assert.equal((await store.findTokenById(token.id))?.userName, token.userName);
  return token;
}

interface Case {
  readonly location: string;
  // A class, private constructors included (SQLiteStore is made by open()).
  // biome-ignore lint/complexity/noBannedTypes: `instanceof` needs a Function, and a private constructor fits no `new` signature.
  readonly type: Function & { readonly prototype: BackendTokenStore };
  readonly persistent: boolean;
  readonly skip: false | string;
  /** A check made beside the store that the token landed where the location says. */
  readonly landed?: (token: OAuthToken) => Promise<void>;
}

const CASES: readonly Case[] = [
  { location: 'memory:', type: MemoryStore, persistent: false, skip: false },
  { location: 'list:', type: ListStore, persistent: false, skip: false },
  { location: `file:${join(folder.path, 'tokens.csv')}`, type: FileStore, persistent: true, skip: false },
  { location: `sqlite:${join(folder.path, 'zohooauth.db')}`, type: SQLiteStore, persistent: true, skip: false },
  { location: 'sqlite::memory:', type: SQLiteStore, persistent: false, skip: false },
  {
    location: `mysql://root@127.0.0.1:3306/${database}?table=tokens_a&createDatabase=true`,
    type: MySQLStore,
    persistent: true,
    skip: mysqlSkip,
    landed: async (token) => {
      const rows = await mysqlAdmin<Array<{ user_name: string }>>(`SELECT user_name FROM \`${database}\`.tokens_a WHERE id = ?`, [
        token.id,
      ]);
      assert.equal(rows[0]?.user_name, token.userName);
    },
  },
  {
    location: `postgresql://postgres@127.0.0.1:5432/test?schema=${schema}&table=tokens_a&application_name=zts`,
    type: PostgresStore,
    persistent: true,
    skip: postgresSkip,
    landed: async (token) => {
      const pool = adminPool();
      try {
        const result = await pool.query(`SELECT user_name FROM "${schema}".tokens_a WHERE id = $1`, [token.id]);
        assert.equal(result.rows[0]?.user_name, token.userName);
      } finally {
        await pool.end();
      }
    },
  },
  {
    location: `redis://127.0.0.1:6379/0?prefix=${encodeURIComponent(prefix)}`,
    type: RedisStore,
    persistent: true,
    skip: redisSkip,
    landed: async () => {
      const client = adminClient();
      try {
        assert.ok((await keysUnder(client, prefix)).length > 0, "keys under the location's prefix");
      } finally {
        client.disconnect();
      }
    },
  },
];

describe('openStore opens every store from its location string', () => {
  for (const { location, type, persistent, skip, landed } of CASES) {
    test(`${location.replace(folder.path, '…')}: a ${type.name}, save and find round trip`, { skip }, async () => {
      const store = await openStore(location);
      let saved: OAuthToken;
      try {
        assert.ok(store instanceof type, `expected a ${type.name}, got ${store.constructor.name}`);
        saved = await roundTrip(store);
      } finally {
        await store.close();
      }
      if (!persistent) return;
      // Opened again from the same string: the token is still there, where the location said.
      const again = await openStore(location);
      try {
        assert.equal((await again.findTokenById(saved.id as string))?.refreshToken, saved.refreshToken);
      } finally {
        await again.close();
      }
      await landed?.(saved);
    });
  }
});

describe('openStore options', () => {
  test('passes encryption to the store: the tokens cannot be read without the key ring', async () => {
    const location = `sqlite:${join(folder.path, 'encrypted.db')}`;
    const store = await openStore(location, { encryption: RING_A });
    const token = await roundTrip(store).finally(() => store.close());
    const plain = await openStore(location);
    try {
      await assert.rejects(plain.findTokenById(token.id as string), { code: ErrorCode.KEY_INVALID });
    } finally {
      await plain.close();
    }
  });

  test("passes any option of the store's own open, which checks it", async () => {
    const store = await openStore(`sqlite:${join(folder.path, 'normal.db')}`, { durability: 'normal', busyTimeoutMs: 1_000 });
    await store.close();
    await assert.rejects(openStore('memory:', { tabel: 'x' }), { code: ErrorCode.INVALID_CONFIG, message: /unknown option "tabel"/ });
    await assert.rejects(openStore('list:', { durability: 'normal' }), { code: ErrorCode.INVALID_CONFIG });
    await assert.rejects(openStore('memory:', null as unknown as OpenStoreOptions), { code: ErrorCode.INVALID_CONFIG });
  });

  test('an option given by the location and by the options must agree; neither value is shown', { skip: postgresSkip }, async () => {
    const url = 'postgres://postgres:hunter2@127.0.0.1:5432/test';
    await assert.rejects(openStore(`${url}?table=a`, { table: 'b' }), (error: Error & { code?: string }) => {
      assert.equal(error.code, ErrorCode.INVALID_CONFIG);
      assert.match(error.message, /"table"/);
      return true;
    });
    await assert.rejects(openStore(url, { url: 'postgres://postgres:hunter2@elsewhere/test' }), (error: Error & { code?: string }) => {
      assert.equal(error.code, ErrorCode.INVALID_CONFIG);
      assert.doesNotMatch(error.message, /hunter2/);
      return true;
    });
    // The same value twice is fine.
    const store = await openStore(`${url}?schema=${schema}&table=tokens_b`, { table: 'tokens_b', schema });
    await roundTrip(store).finally(() => store.close());
  });

  test('refuses query options a store does not take', async () => {
    await assert.rejects(openStore(`sqlite:${join(folder.path, 'x.db')}?mode=ro`), {
      code: ErrorCode.INVALID_CONFIG,
      message: /unknown option "mode"/,
    });
    await assert.rejects(openStore('redis://127.0.0.1:6379?prefx=a:'), {
      code: ErrorCode.INVALID_CONFIG,
      message: /unknown option "prefx"/,
    });
    await assert.rejects(openStore('mysql://root@127.0.0.1:3306/x?tabel=t'), {
      code: ErrorCode.INVALID_CONFIG,
      message: /unknown option "tabel"/,
    });
    await assert.rejects(openStore('mysql://root@127.0.0.1:3306/x?createTable=maybe'), { code: ErrorCode.INVALID_CONFIG });
    await assert.rejects(openStore('mongodb://u:hunter2@127.0.0.1/x'), (error: Error & { code?: string }) => {
      assert.equal(error.code, ErrorCode.INVALID_CONFIG);
      assert.doesNotMatch(error.message, /hunter2/);
      return true;
    });
  });
});

describe('a missing location (an unset environment variable) is a typed error, not a TypeError', () => {
  test('undefined, null, an empty string, or not a string: INVALID_CONFIG naming the TOKEN_STORE-style usage', async () => {
    for (const location of [undefined, null, '', '   ', 42, true]) {
      await assert.rejects(openStore(location as never), (error: unknown) => {
        assert.ok(error instanceof TokenStoreError, `${String(location)}: ${String(error)}`);
        assert.equal(error.code, ErrorCode.INVALID_CONFIG);
        assert.match(error.message, /openStore needs a store location string such as 'sqlite:\.\/zohooauth\.db'/);
        assert.match(error.message, /openStore\(process\.env\.TOKEN_STORE\)\? Then set that variable/);
        return true;
      });
    }
    await assert.rejects(openStore({} as never), { code: ErrorCode.INVALID_CONFIG });
  });
});

describe('hostile locations are refused with INVALID_CONFIG and create nothing', () => {
  const refused = async (location: string) => {
    await assert.rejects(openStore(location), (error: Error & { code?: string }) => {
      assert.equal(error.code, ErrorCode.INVALID_CONFIG, `${location}: ${error.message}`);
      assert.doesNotMatch(error.message, /hunter2/);
      return true;
    });
  };

  test('MySQL: a hostile table name with createDatabase=true creates no database', { skip: mysqlSkip }, async () => {
    const name = uniqueDatabaseName('hostile');
    await refused(`mysql://root:hunter2@127.0.0.1:3306/${name}?createDatabase=true&table=${encodeURIComponent('x`; DROP TABLE y; --')}`);
    await refused(`mysql://root:hunter2@127.0.0.1:3306/${encodeURIComponent('a`b')}?createDatabase=true`);
    const found = await mysqlAdmin<unknown[]>('SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [name]);
    assert.equal(found.length, 0);
  });

  test('PostgreSQL: a hostile schema or table name creates no schema', { skip: postgresSkip }, async () => {
    const name = uniqueName('hostile');
    await refused(
      `postgres://postgres:hunter2@127.0.0.1:5432/test?schema=${name}&table=${encodeURIComponent('a"; DROP SCHEMA public; --')}`,
    );
    await refused(`postgres://postgres:hunter2@127.0.0.1:5432/test?schema=${encodeURIComponent(`${name}.x`)}`);
    const pool = adminPool();
    try {
      assert.equal((await pool.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [name])).rowCount, 0);
    } finally {
      await pool.end();
    }
  });

  test('Redis: a key prefix with glob characters, spaces or given twice writes no key', { skip: redisSkip }, async () => {
    const name = randomPrefix('hostile');
    await refused(`redis://:hunter2@127.0.0.1:6379?prefix=${encodeURIComponent(`${name}*`)}`);
    await refused(`redis://:hunter2@127.0.0.1:6379?prefix=${encodeURIComponent(`${name} x`)}`);
    await assert.rejects(openStore(`redis://127.0.0.1:6379?prefix=${encodeURIComponent(name)}`, { keyPrefix: name }), {
      code: ErrorCode.INVALID_CONFIG,
    });
    const client = adminClient();
    try {
      assert.deepEqual(await keysUnder(client, name), []);
    } finally {
      client.disconnect();
    }
  });
});
