// Waiters are woken by the engine when the holder releases, not by a poll: counted on the kernel's diagnostics
// channel, so nothing here depends on timing. Behind a transaction pooler (no LISTEN) PostgreSQL waiters poll.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { FileStore } from 'zoho-token-store/file';
import { PostgresStore } from 'zoho-token-store/postgres';
import { RedisStore } from 'zoho-token-store/redis';
import { SQLiteStore } from 'zoho-token-store/sqlite';
import { MySQLStore } from 'zoho-token-store/mysql';
import { pgbouncerMissing, startPgBouncer, type PgBouncer } from '../_pgbouncer.js';
import { skipUnless } from '../_services.js';
import { MARIADB, dropDatabase, uniqueDatabaseName } from '../stores/_mysql-databases.js';
import { PG_CONNECTION, adminPool, dropSchema, uniqueName } from '../stores/_postgres.js';
import { REDIS_URL, adminClient, dropPrefix, randomPrefix } from '../stores/_redis-support.js';
import { contend, contendWhenListening } from './_wake-probe.js';

describe('PostgreSQL: LISTEN/NOTIFY wakes the waiter', { skip: await skipUnless('postgres') }, () => {
  const schema = uniqueName('wake');
  const admin = adminPool();
  const stores: PostgresStore[] = [];
  const open = async (connection: object, table: string): Promise<PostgresStore> => {
    const store = await PostgresStore.open({ connection: { ...connection, max: 4 }, schema, table });
    stores.push(store);
    return store;
  };
  after(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await dropSchema(admin, schema);
    await admin.end();
  });

  test('a waiter in another store is woken by the release, with no poll', async () => {
    const table = uniqueName('t');
    const [holder, waiter] = [await open(PG_CONNECTION, table), await open(PG_CONNECTION, table)];
    const counts = await contendWhenListening(holder, waiter, '1');
    assert.deepEqual(counts, { wakeWaits: 1, polls: 0, wakes: 1 });
  });

  test('a pool too small to spare a connection polls, and still gets the lock', async () => {
    const table = uniqueName('t');
    const small = async (): Promise<PostgresStore> => {
      const store = await PostgresStore.open({ connection: { ...PG_CONNECTION, max: 2 }, schema, table });
      stores.push(store);
      return store;
    };
    const counts = await contend(await small(), await small(), '1');
    assert.equal(counts.wakes, 0);
    assert.ok(counts.polls >= 1, 'it polled');
  });

  describe('through PgBouncer in transaction mode', { skip: pgbouncerMissing() ?? false }, () => {
    let bouncer: PgBouncer;
    before(async () => {
      bouncer = await startPgBouncer();
    });
    after(async () => {
      await Promise.all(stores.splice(0).map((store) => store.close()));
      await bouncer?.stop();
    });

    test('LISTEN is never trusted there: the waiter polls and gets the lock, many times over', async () => {
      const table = uniqueName('t');
      const [holder, waiter] = [await open(bouncer.connection, table), await open(bouncer.connection, table)];
      // The first wait opens the listening connection and sends its probe; give the probe its time to come back.
      await contend(holder, waiter, 'first');
      await delay(3_000);
      for (let i = 0; i < 3; i += 1) {
        const counts = await contend(holder, waiter, `k${i}`);
        assert.equal(counts.wakes, 0, 'no notification reaches a pooled session');
        assert.ok(counts.polls >= 1);
      }
    });
  });
});

describe('Redis: a release published on pub/sub wakes the waiter', { skip: await skipUnless('redis') }, () => {
  const prefix = randomPrefix('wake');
  const stores: RedisStore[] = [];
  after(async () => {
    await Promise.all(stores.map((store) => store.close()));
    const client = adminClient();
    await dropPrefix(client, prefix);
    await client.quit();
  });

  test('a waiter in another store is woken by the release, with no poll', async () => {
    const open = (): RedisStore => {
      const store = new RedisStore({ url: REDIS_URL, keyPrefix: prefix });
      stores.push(store);
      return store;
    };
    const counts = await contendWhenListening(open(), open(), '1');
    assert.deepEqual(counts, { wakeWaits: 1, polls: 0, wakes: 1 });
  });
});

describe('MySQL: a blocking GET_LOCK wakes the waiter', { skip: await skipUnless('mariadb') }, () => {
  const database = uniqueDatabaseName('wake');
  const stores: MySQLStore[] = [];
  const open = async (connectionLimit = 10): Promise<MySQLStore> => {
    const store = await MySQLStore.open({ ...MARIADB, database, createDatabase: true, connectionLimit });
    stores.push(store);
    return store;
  };
  after(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await dropDatabase(database);
  });

  test('a waiter in another store is woken by the release, with no poll', async () => {
    const counts = await contend(await open(), await open(), '1');
    assert.deepEqual(counts, { wakeWaits: 1, polls: 0, wakes: 1 });
  });

  test('a pool too small to spare connections for signals polls, and still gets the lock', async () => {
    const counts = await contend(await open(2), await open(2), '2');
    assert.equal(counts.wakes, 0);
    assert.ok(counts.polls >= 1, 'it polled');
  });
});

describe('the token file: removing the lock directory wakes the waiter', () => {
  const folder = mkdtempSync(join(tmpdir(), 'zts-wake-'));
  const stores: FileStore[] = [];
  after(async () => {
    await Promise.all(stores.map((store) => store.close()));
    rmSync(folder, { recursive: true, force: true });
  });

  test('a waiter in another store is woken by the release, with no poll', async () => {
    const open = (): FileStore => {
      const store = new FileStore({ path: join(folder, 'tokens.txt') });
      stores.push(store);
      return store;
    };
    const counts = await contend(open(), open(), '1');
    assert.deepEqual(counts, { wakeWaits: 1, polls: 0, wakes: 1 });
  });
});

describe('SQLite: the signal file a release rewrites wakes the waiter', () => {
  const folder = mkdtempSync(join(tmpdir(), 'zts-wake-'));
  const stores: SQLiteStore[] = [];
  after(async () => {
    await Promise.all(stores.map((store) => store.close()));
    rmSync(folder, { recursive: true, force: true });
  });

  test('a waiter on another connection is woken by the release, with no poll', async () => {
    const open = async (): Promise<SQLiteStore> => {
      const store = await SQLiteStore.open({ path: join(folder, 'tokens.db') });
      stores.push(store);
      return store;
    };
    const counts = await contend(await open(), await open(), '1');
    assert.deepEqual(counts, { wakeWaits: 1, polls: 0, wakes: 1 });
  });
});
