// Configuration is validated before anything is touched: every bad option is INVALID_CONFIG, and no database,
// schema, table, key or file is created by the attempt.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { customEnvironment, ErrorCode, ListStore, MemoryStore, OAuthToken, TokenManager } from 'zoho-token-store';
import { FileStore } from 'zoho-token-store/file';
import { MySQLStore } from 'zoho-token-store/mysql';
import { PostgresStore } from 'zoho-token-store/postgres';
import { RedisStore } from 'zoho-token-store/redis';
import { SQLiteStore } from 'zoho-token-store/sqlite';
import { skipUnless } from '../_services.js';
import { tempDir } from './_file-temp.js';
import { admin as mysqlAdmin, MARIADB, uniqueDatabaseName } from './_mysql-databases.js';
import { adminPool, PG_CONNECTION, uniqueName } from './_postgres.js';
import { adminClient, keysUnder, randomPrefix, REDIS_URL } from './_redis-support.js';

const isConfigError = (error: { code?: string }) => error.code === ErrorCode.INVALID_CONFIG;

/** Table, schema and database names that are not plain identifiers. */
const BAD_IDENTIFIERS = [
  "oauthtoken'; DROP TABLE oauthtoken; --",
  'a`b',
  'a"b',
  "a'b",
  'db.table',
  'a b',
  ' oauthtoken',
  '',
  '1table',
  'x'.repeat(64),
  'tokéns',
  'tab\tle',
  'nul\0',
];

describe('identifiers and unknown options: refused at construction', () => {
  test('MySQL, PostgreSQL: every hostile table, database or schema name', () => {
    for (const name of BAD_IDENTIFIERS) {
      assert.throws(() => new MySQLStore({ table: name }), isConfigError, JSON.stringify(name));
      assert.throws(() => new MySQLStore({ database: name }), isConfigError, JSON.stringify(name));
      assert.throws(() => new PostgresStore({ table: name }), isConfigError, JSON.stringify(name));
      assert.throws(() => new PostgresStore({ schema: name }), isConfigError, JSON.stringify(name));
    }
  });

  test('Redis: key prefixes with glob characters, whitespace or control characters, empty or too long', () => {
    for (const keyPrefix of ['', 'a*', 'a?', 'a[b]', 'a]', 'back\\slash', 'has space', 'tab\t', 'line\n', 'nul\0', 'x'.repeat(65), 42]) {
      assert.throws(() => new RedisStore({ url: REDIS_URL, keyPrefix: keyPrefix as string }), isConfigError, JSON.stringify(keyPrefix));
    }
    // Braces are a Redis Cluster hash tag: `{zoho}:tokens:` keeps every key of the store on one slot.
    for (const keyPrefix of ['{zoho}:tokens:', 'app:tokens:', 'é:', 'x'.repeat(64)]) {
      assert.doesNotThrow(() => new RedisStore({ url: REDIS_URL, keyPrefix }), JSON.stringify(keyPrefix));
    }
  });

  test('an unknown option name is refused, and the message lists the known ones', () => {
    const attempts: Array<[string, () => unknown]> = [
      ['MySQLStore', () => new MySQLStore({ tabel: 'oauthtoken' } as never)],
      ['PostgresStore', () => new PostgresStore({ tabel: 'oauthtoken' } as never)],
      // "prefix" is the option's name; "keyPrefix" is still accepted.
      ['RedisStore', () => new RedisStore({ url: REDIS_URL, prefx: 'x:' } as never)],
      ['MemoryStore', () => new MemoryStore({ path: 'x' } as never)],
      ['ListStore', () => new ListStore({ path: 'x' } as never)],
      ['FileStore', () => new FileStore({ file: 'tokens.txt' } as never)],
      ['TokenManager', () => new TokenManager({ store: new MemoryStore(), refreshMargin: 5 } as never)],
      ['TokenManager refreshLock', () => new TokenManager({ store: new MemoryStore(), refreshLock: { wait: 1 } } as never)],
    ];
    for (const [what, attempt] of attempts) {
      assert.throws(attempt, (error: Error & { code?: string }) => {
        assert.equal(error.code, ErrorCode.INVALID_CONFIG, what);
        assert.match(error.message, /unknown option "\w+"; the options are: /, what);
        return true;
      });
    }
  });

  test('SQLite: an unknown option, an empty path or one with NUL, bad numbers', async () => {
    for (const options of [
      { pat: 'x.db' },
      { path: '' },
      { path: 'a\0b.db' },
      { busyTimeoutMs: -1 },
      { busyTimeoutMs: Number.NaN },
      { busyTimeoutMs: Infinity },
      { durability: 'fast' },
    ]) {
      await assert.rejects(SQLiteStore.open(options as never), isConfigError, JSON.stringify(options));
    }
  });

  test('numbers: negative, fractional, NaN or infinite timeouts and pool sizes', () => {
    const bad: Array<() => unknown> = [
      () => new MySQLStore({ connectionLimit: -1 }),
      () => new MySQLStore({ connectTimeoutMs: Number.NaN }),
      () => new MySQLStore({ writeLockWaitMs: Infinity }),
      () => new MySQLStore({ port: 3306.5 }),
      () => new PostgresStore({ connection: { ...PG_CONNECTION, max: 0 } }),
      () => new PostgresStore({ connection: { ...PG_CONNECTION, connectionTimeoutMillis: -5 } }),
      () => new PostgresStore({ connection: { ...PG_CONNECTION, port: Number.NaN } }),
      () => new RedisStore({ url: REDIS_URL, commandTimeoutMs: -1 }),
      () => new RedisStore({ url: REDIS_URL, writeLockWaitMs: Infinity }),
      () => new RedisStore({ connection: { port: -1 } }),
      () => new FileStore({ lockWaitMs: -1 }),
      () => new FileStore({ lockStaleMs: Number.NaN }),
      () => new FileStore({ mode: 0o1777 }),
      () => new TokenManager({ store: new MemoryStore(), refreshMarginMs: -1 }),
      () => new TokenManager({ store: new MemoryStore(), cacheMaxAgeMs: Number.NaN }),
      () => new TokenManager({ store: new MemoryStore(), refreshLock: { leaseMs: Infinity } }),
    ];
    for (const attempt of bad) assert.throws(attempt, isConfigError, String(attempt));
  });

  test('URLs: wrong scheme, spaces, credentials where none belong; messages never repeat a password', () => {
    const bad: Array<() => unknown> = [
      () => new MySQLStore({ url: 'postgres://localhost/db' }),
      () => new MySQLStore({ url: 'mysql://local host/db' }),
      () => new MySQLStore({ host: '' }),
      () => new MySQLStore({ host: 'db host' }),
      () => new PostgresStore({ connection: 'mysql://localhost/db' }),
      () => new PostgresStore({ connection: 'postgres://user:pw@local host/db' }),
      () => new PostgresStore({ connection: 'localhost' }),
      () => new RedisStore({ url: 'http://localhost:6379' }),
      () => new RedisStore({ url: 'redis://local host:6379' }),
      () => new RedisStore({ url: 'redis://[bad' }),
      () => customEnvironment({ accountsUrl: 'ftp://accounts.example', apiDomain: 'https://api.example' }),
      () => customEnvironment({ accountsUrl: 'https://accounts.example', apiDomain: 'javascript:alert(1)' }),
      () => customEnvironment({ accountsUrl: 'https://user:pw@accounts.example', apiDomain: 'https://api.example' }),
      () => customEnvironment({ accountsUrl: 'https://accounts .example', apiDomain: 'https://api.example' }),
      () => customEnvironment({ accountsUrl: 'https://accounts.example?x=1', apiDomain: 'https://api.example' }),
      () => customEnvironment({ accountsUrl: 'https://accounts.example', apiDomain: 'https://api.example#top' }),
      () => customEnvironment({ accountsUrl: 'https://accounts.example', apiDomain: 'https://api.example', kind: 'staging' as never }),
      () => customEnvironment({ accountsUrl: 'https://accounts.example', apiDomain: 'https://api.example', kind: 'toString' as never }),
      () => customEnvironment({ accountsUrl: 'https://accounts.example#', apiDomain: 'https://api.example' }),
      () =>
        new TokenManager({ store: new MemoryStore(), client: { clientId: 'c', clientSecret: 's', redirectUri: 'javascript:alert(1)' } }),
      () =>
        new TokenManager({
          store: new MemoryStore(),
          client: { clientId: 'c', clientSecret: 's', redirectUri: 'https://app.example/cb#x' },
        }),
      () =>
        new TokenManager({
          store: new MemoryStore(),
          client: { clientId: 'c', clientSecret: 's', redirectUri: 'https://u:pw@app.example/cb' },
        }),
      () =>
        new TokenManager({
          store: new MemoryStore(),
          client: { clientId: 'c', clientSecret: 's', redirectUri: 'https://app.example/c b' },
        }),
      () => new TokenManager({ store: new MemoryStore(), client: { clientId: 'c', clientSecret: 's', redirectUri: '/relative/cb' } }),
    ];
    for (const attempt of bad) {
      assert.throws(attempt, (error: Error & { code?: string }) => {
        assert.equal(error.code, ErrorCode.INVALID_CONFIG, String(attempt));
        assert.doesNotMatch(error.message, /pw@|alert/);
        return true;
      });
    }
    assert.doesNotThrow(
      () =>
        new TokenManager({
          store: new MemoryStore(),
          client: { clientId: 'c', clientSecret: 's', redirectUri: 'http://localhost:8080/cb?state=1' },
        }),
    );
  });
});

describe('file paths: a directory or a missing folder is INVALID_CONFIG, and nothing is created', () => {
  const dir = tempDir('config');
  after(() => dir.remove());

  test('FileStore', async () => {
    mkdirSync(dir.file('a-directory'));
    const asDirectory = new FileStore({ path: dir.file('a-directory') });
    await assert.rejects(asDirectory.getTokens(), isConfigError);
    await assert.rejects(asDirectory.saveToken(new OAuthToken({ accessToken: 'a' })), isConfigError);
    const inMissingFolder = new FileStore({ path: dir.file('missing/tokens.txt') });
    await assert.rejects(inMissingFolder.saveToken(new OAuthToken({ accessToken: 'a' })), isConfigError);
    assert.deepEqual((await inMissingFolder.getTokens()).length, 0, 'reading a file that does not exist is an empty store');
    assert.deepEqual(readdirSync(dir.path), ['a-directory']);
    assert.deepEqual(readdirSync(dir.file('a-directory')), []);
  });

  test('SQLiteStore', async () => {
    mkdirSync(dir.file('sqlite-directory'));
    await assert.rejects(SQLiteStore.open({ path: dir.file('sqlite-directory') }), isConfigError);
    await assert.rejects(SQLiteStore.open({ path: dir.file('no-folder/zohooauth.db') }), isConfigError);
    assert.equal(existsSync(dir.file('no-folder')), false);
    assert.deepEqual(readdirSync(dir.file('sqlite-directory')), []);
  });
});

const mysqlSkip = await skipUnless('mariadb');
const postgresSkip = await skipUnless('postgres');
const redisSkip = await skipUnless('redis');

describe('server stores: a bad option leaves the server untouched', () => {
  test('MySQL: a hostile table name or an unknown option creates no database', { skip: mysqlSkip }, async () => {
    const database = uniqueDatabaseName('cfg');
    for (const options of [{ table: 'x`; DROP DATABASE test; --' }, { tabel: 'oauthtoken' }, { table: 'ok', connectTimeoutMs: -1 }]) {
      await assert.rejects(MySQLStore.open({ ...MARIADB, database, createDatabase: true, ...options } as never), isConfigError);
    }
    const found = await mysqlAdmin<unknown[]>('SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [database]);
    assert.equal(found.length, 0);
  });

  test('PostgreSQL: a hostile table name or an unknown option creates no schema', { skip: postgresSkip }, async () => {
    const schema = uniqueName('cfg');
    const pool = adminPool();
    try {
      for (const options of [
        { table: 'x"; DROP SCHEMA public; --' },
        { tabel: 'oauthtoken' },
        { connection: { ...PG_CONNECTION, max: -1 } },
      ]) {
        await assert.rejects(PostgresStore.open({ connection: PG_CONNECTION, schema, ...options } as never), isConfigError);
      }
      const found = await pool.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
      assert.equal(found.rowCount, 0);
    } finally {
      await pool.end();
    }
  });

  test('Redis: a bad prefix or an unknown option writes no key', { skip: redisSkip }, async () => {
    const prefix = randomPrefix('cfg');
    for (const options of [
      { keyPrefix: `${prefix}*` },
      { keyPrefix: `${prefix} x` },
      { keyPrefix: prefix, keyprefix: prefix },
      { keyPrefix: prefix, writeLockLeaseMs: 0 },
    ]) {
      assert.throws(() => new RedisStore({ url: REDIS_URL, ...options } as never), isConfigError);
    }
    const client = adminClient();
    try {
      assert.deepEqual(await keysUnder(client, prefix), []);
    } finally {
      client.disconnect();
    }
  });
});
