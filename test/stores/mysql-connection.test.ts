import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import mysql from 'mysql2';
import mysqlPromise from 'mysql2/promise';
import { ErrorCode, OAuthToken } from 'zoho-token-store';
import { MySQLStore } from 'zoho-token-store/mysql';
import { completeToken } from 'zoho-token-store/testing';
import { skipUnless } from '../_services.js';
import { admin, createDatabase, dropDatabase, MARIADB, uniqueDatabaseName } from './_mysql-databases.js';

const skip = await skipUnless('mariadb');
const code = (expected: string) => (error: { code?: string }) => error.code === expected;

describe('MySQLStore options', () => {
  test('bad options are INVALID_CONFIG before anything is opened', () => {
    const bad: Array<Record<string, unknown>> = [
      { table: 'oauthtoken; DROP TABLE x' },
      { table: 'a`b' },
      { database: 'zohooauth`.`mysql' },
      { database: '' },
      { port: 70_000 },
      { connectionLimit: 0 },
      { createTable: 'yes' },
      { tabel: 'oauthtoken' },
      { url: 'postgres://localhost/db' },
      { url: 'mysql://localhost/db?ssl=true' },
      { url: 'mysql://localhost/db', host: 'other' },
      { pool: {} },
      { pool: mysqlPromise.createPool({ ...MARIADB }), host: 'other' },
    ];
    for (const options of bad) {
      assert.throws(() => new MySQLStore(options as never), code(ErrorCode.INVALID_CONFIG), JSON.stringify(Object.keys(options)));
    }
    assert.throws(
      () => new MySQLStore({ url: 'mysql://root:hunter2-secret@localhost/db?x=1' }),
      (error: Error) => {
        assert.doesNotMatch(error.message, /hunter2/);
        return true;
      },
    );
  });
});

describe('MySQLStore connections', { skip }, () => {
  let database = '';

  beforeEach(async () => {
    database = uniqueDatabaseName('conn');
  });

  afterEach(async () => {
    await dropDatabase(database);
  });

  test('wrong credentials give STORE_ACCESS_DENIED, with no password in the message', async () => {
    await assert.rejects(
      MySQLStore.open({ ...MARIADB, user: 'zts_nobody', password: 'not-the-password-42', database }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, ErrorCode.STORE_ACCESS_DENIED);
        assert.doesNotMatch(error.message, /not-the-password-42/);
        return true;
      },
    );
  });

  test('a missing database or table is INVALID_CONFIG unless the store may create it', async () => {
    await assert.rejects(MySQLStore.open({ ...MARIADB, database }), code(ErrorCode.INVALID_CONFIG));
    await createDatabase(database);
    await assert.rejects(MySQLStore.open({ ...MARIADB, database, createTable: false }), code(ErrorCode.INVALID_CONFIG));
    const store = await MySQLStore.open({ ...MARIADB, database });
    assert.equal(store.table, `${database}.oauthtoken`);
    await store.close();
  });

  test('a URL, a promise pool or a callback pool all reach the same table; close() ends only the pool the store made', async () => {
    const viaUrl = await MySQLStore.open({
      url: `mysql://root@${MARIADB.host}:${MARIADB.port}/${database}`,
      createDatabase: true,
      table: 'tokens',
    });
    const token = completeToken();
    await viaUrl.saveToken(token);
    await viaUrl.close();
    await viaUrl.close(); // twice is fine
    await assert.rejects(viaUrl.getTokens(), code(ErrorCode.STORE_CLOSED));

    const promisePool = mysqlPromise.createPool({ ...MARIADB, database, connectionLimit: 2 });
    const callbackPool = mysql.createPool({ ...MARIADB, connectionLimit: 2 });
    try {
      // With a pool and no database option, the table is in the pool's database.
      const onPromisePool = await MySQLStore.open({ pool: promisePool, table: 'tokens' });
      assert.equal((await onPromisePool.findToken(new OAuthToken({ userSignature: token.userName })))?.id, token.id);
      await onPromisePool.close();
      const onCallbackPool = await MySQLStore.open({ pool: callbackPool, database, table: 'tokens' });
      assert.equal((await onCallbackPool.findTokenById(String(token.id)))?.accessToken, token.accessToken);
      await onCallbackPool.close();
      // The pools the caller passed are still open.
      const [rows] = await promisePool.query('SELECT 1 AS one');
      assert.deepEqual(rows, [{ one: 1 }]);
      await callbackPool.promise().query('SELECT 1');
    } finally {
      await promisePool.end();
      await callbackPool.promise().end();
    }
  });

  test('a value longer than 255 characters, or than a narrowed column, is INVALID_ARGUMENT naming the field, and nothing is written', async () => {
    const store = await MySQLStore.open({ ...MARIADB, database, createDatabase: true });
    try {
      const stored = completeToken();
      await store.saveToken(stored);
      const tooLong = Object.assign(new OAuthToken({ userSignature: stored.userName }), { accessToken: 'x'.repeat(256) });
      await assert.rejects(store.saveToken(tooLong), (error: Error & { code?: string }) => {
        assert.equal(error.code, ErrorCode.INVALID_ARGUMENT);
        assert.match(error.message, /"accessToken"/);
        assert.doesNotMatch(error.message, /xxxx/);
        return true;
      });
      const emoji = completeToken({ refreshToken: '🔑'.repeat(255) }); // 255 characters fit, though 510 UTF-16 units
      await store.saveToken(emoji);
      assert.equal((await store.findTokenById(String(emoji.id)))?.refreshToken, emoji.refreshToken);
      assert.equal((await store.findTokenById(String(stored.id)))?.accessToken, stored.accessToken);
      assert.equal((await store.getTokens()).length, 2);
    } finally {
      await store.close();
    }
    // A table whose column is narrower than the official one: the store's own check names the column.
    await admin(`ALTER TABLE \`${database}\`.oauthtoken MODIFY access_token varchar(100)`);
    const narrow = await MySQLStore.open({ ...MARIADB, database });
    try {
      const stored = (await narrow.getTokens())[0] as OAuthToken;
      await assert.rejects(
        narrow.saveToken(new OAuthToken({ id: stored.id, accessToken: 'y'.repeat(101) })),
        (error: Error & { code?: string }) => {
          assert.equal(error.code, ErrorCode.INVALID_ARGUMENT);
          assert.match(error.message, /"accessToken".*access_token/);
          return true;
        },
      );
      assert.equal((await narrow.findTokenById(String(stored.id)))?.accessToken, stored.accessToken);
    } finally {
      await narrow.close();
    }
  });

  test('refresh lock: scope cluster, null after the wait bound, free again after release or lease expiry', async () => {
    const store = await MySQLStore.open({ ...MARIADB, database, createDatabase: true });
    const other = await MySQLStore.open({ ...MARIADB, database });
    try {
      assert.equal(store.refreshLockScope, 'cluster');
      const lease = await store.acquireRefreshLock('7', { waitMs: 1_000, leaseMs: 400 });
      assert.ok(lease);
      assert.equal(await other.acquireRefreshLock('7', { waitMs: 100, leaseMs: 1_000 }), null);
      assert.equal(await store.acquireRefreshLock('7', { waitMs: 100, leaseMs: 1_000 }), null, 'the same store waits too');
      const otherKey = await other.acquireRefreshLock('8', { waitMs: 100, leaseMs: 1_000 });
      assert.ok(otherKey, 'another token id is another lock');
      await otherKey.release();
      // The lease expires after 400 ms: a waiter with a longer bound gets the lock.
      const afterExpiry = await other.acquireRefreshLock('7', { waitMs: 3_000, leaseMs: 1_000 });
      assert.ok(afterExpiry);
      await afterExpiry.release();
      await afterExpiry.release(); // twice is fine
      await lease.release();
      const aborted = new AbortController();
      const held = await store.acquireRefreshLock('9', { waitMs: 1_000, leaseMs: 10_000 });
      const waiting = other.acquireRefreshLock('9', { waitMs: 5_000, leaseMs: 1_000, signal: aborted.signal });
      setTimeout(() => aborted.abort(new Error('stop waiting')), 100);
      await assert.rejects(waiting, (error: unknown) => error === aborted.signal.reason);
      await held?.release();
    } finally {
      await store.close();
      await other.close();
    }
  });

  test('tables are named only by validated identifiers: hostile values stay values', async () => {
    await createDatabase(database);
    await admin(`CREATE TABLE \`${database}\`.canary (id int)`);
    const store = await MySQLStore.open({ ...MARIADB, database });
    try {
      const hostile = completeToken({ userSignature: "x'; DROP TABLE canary; --", accessToken: "' OR '1'='1" });
      await store.saveToken(hostile);
      assert.equal(await store.findToken(new OAuthToken({ accessToken: "' OR 1=1 -- " })), null);
      assert.equal((await store.findToken(new OAuthToken({ userSignature: hostile.userName })))?.id, hostile.id);
      const tables = await admin<unknown[]>('SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [
        database,
        'canary',
      ]);
      assert.equal(tables.length, 1);
    } finally {
      await store.close();
    }
  });
});
