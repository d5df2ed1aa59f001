import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { ErrorCode, OAuthToken, TokenStoreError } from 'zoho-token-store';
import { MySQLStore } from 'zoho-token-store/mysql';
import { completeToken } from 'zoho-token-store/testing';
import { skipUnless } from '../_services.js';
import { TcpProxy } from '../_tcp-proxy.js';
import { createDatabase, dropDatabase, MARIADB, uniqueDatabaseName } from './_mysql-databases.js';

const skip = await skipUnless('mariadb');

/** Asserts a typed STORE_UNAVAILABLE error with the driver error as a hidden cause and no secret in sight. */
function isUnavailable(secrets: readonly string[]) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof TokenStoreError, `expected a TokenStoreError, got ${String(error)}`);
    assert.equal(error.code, ErrorCode.STORE_UNAVAILABLE);
    assert.ok(error.cause, 'the driver error must be the cause');
    assert.ok(!Object.keys(error).includes('cause'), 'the cause must not be enumerable');
    const shown = `${error.message} ${JSON.stringify(error)}`;
    for (const secret of secrets) assert.ok(!shown.includes(secret), 'no token value may appear in the error');
    return true;
  };
}

describe('MySQLStore when the server goes away and comes back', { skip }, () => {
  let database = '';
  let proxy: TcpProxy;
  let store: MySQLStore | null = null;
  const crashes: unknown[] = [];
  const onCrash = (error: unknown) => crashes.push(error);

  beforeEach(async () => {
    database = uniqueDatabaseName('outage');
    await createDatabase(database);
    proxy = await new TcpProxy(MARIADB.host, MARIADB.port).start();
    process.on('uncaughtException', onCrash);
  });

  afterEach(async () => {
    process.off('uncaughtException', onCrash);
    await store?.close();
    store = null;
    await proxy.close();
    await dropDatabase(database);
    assert.deepEqual(crashes, [], 'no error may escape as an uncaught exception or unhandled error event');
  });

  test('a cut gives STORE_UNAVAILABLE on every method; the store recovers on its own once the server is back', async () => {
    store = await MySQLStore.open({ ...MARIADB, port: proxy.port, database, connectTimeoutMs: 1_000 });
    const token = completeToken();
    await store.saveToken(token);
    const lease = await store.acquireRefreshLock(String(token.id), { waitMs: 1_000, leaseMs: 60_000 });
    assert.ok(lease);
    const secrets = [String(token.accessToken), String(token.refreshToken), String(token.clientSecret)];

    await proxy.cut();
    const byUser = new OAuthToken({ userSignature: token.userName });
    await assert.rejects(store.findToken(byUser), isUnavailable(secrets));
    await assert.rejects(store.saveToken(completeToken()), isUnavailable(secrets));
    await assert.rejects(store.getTokens(), isUnavailable(secrets));
    await assert.rejects(store.findTokenById(String(token.id)), isUnavailable(secrets));
    await assert.rejects(store.deleteToken('999'), isUnavailable(secrets));
    await assert.rejects(store.acquireRefreshLock('other', { waitMs: 200, leaseMs: 1_000 }), isUnavailable(secrets));
    await lease.release(); // its session is gone, and the lock with it: releasing is not an error

    await proxy.restore();
    const found = await store.findToken(byUser);
    assert.equal(found?.accessToken, token.accessToken, 'the first call after the server is back must succeed');
    const next = completeToken();
    await store.saveToken(next);
    assert.equal((await store.getTokens()).length, 2);
    const again = await store.acquireRefreshLock(String(token.id), { waitMs: 1_000, leaseMs: 60_000 });
    assert.ok(again, 'the lock the lost session held must be free again');
    await again.release();
  });

  test('a store opened while the server is down reports STORE_UNAVAILABLE, then starts when it is back', async () => {
    await proxy.cut();
    await assert.rejects(MySQLStore.open({ ...MARIADB, port: proxy.port, database, connectTimeoutMs: 1_000 }), isUnavailable([]));
    store = new MySQLStore({ ...MARIADB, port: proxy.port, database, connectTimeoutMs: 1_000 });
    await assert.rejects(store.getTokens(), isUnavailable([]));
    await proxy.restore();
    assert.deepEqual(await store.getTokens(), []);
  });

  test('a cut in the middle of concurrent saves fails those saves with typed errors and loses no committed one', async () => {
    store = await MySQLStore.open({ ...MARIADB, port: proxy.port, database, connectTimeoutMs: 1_000, connectionLimit: 4 });
    const tokens = Array.from({ length: 60 }, () => completeToken());
    const saves = tokens.map((token) =>
      store!.saveToken(token).then(
        () => 'saved',
        (error: { code?: string }) => error.code,
      ),
    );
    setTimeout(() => void proxy.cut(), 30);
    const outcomes = await Promise.all(saves);
    for (const outcome of outcomes)
      assert.ok(outcome === 'saved' || outcome === ErrorCode.STORE_UNAVAILABLE, `unexpected outcome ${outcome}`);
    assert.ok(outcomes.includes(ErrorCode.STORE_UNAVAILABLE), 'the cut must have hit some saves');
    await proxy.restore();
    const stored = await store.getTokens();
    const saved = tokens.filter((_, i) => outcomes[i] === 'saved');
    const storedUsers = new Set(stored.map((token) => token.userName));
    for (const token of saved) assert.ok(storedUsers.has(token.userName), 'a save that resolved must be stored');
    assert.equal(new Set(stored.map((token) => token.id)).size, stored.length);
  });
});
