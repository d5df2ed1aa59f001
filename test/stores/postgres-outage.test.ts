import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { OAuthToken, type TokenStoreError } from 'zoho-token-store';
import { PostgresStore } from 'zoho-token-store/postgres';
import { completeToken } from 'zoho-token-store/testing';
import { skipUnless } from '../_services.js';
import { TcpProxy } from '../_tcp-proxy.js';
import { PG_CONNECTION, adminPool, countRows, dropSchema, uniqueName } from './_postgres.js';

const skip = await skipUnless('postgres');

async function rejectsWith(code: string, call: () => Promise<unknown>, what: string): Promise<void> {
  await assert.rejects(call, (error: TokenStoreError) => {
    assert.equal(error.code, code, `${what}: ${error.message}`);
    assert.ok(error.cause !== undefined, `${what}: the driver error must be the cause`);
    return true;
  });
}

/** Every method of the store while the server is unreachable: typed errors, nothing thrown elsewhere. */
async function expectUnavailable(store: PostgresStore, user: string): Promise<void> {
  const code = 'STORE_UNAVAILABLE';
  await rejectsWith(code, () => store.findToken(new OAuthToken({ userSignature: user })), 'findToken');
  await rejectsWith(code, () => store.saveToken(completeToken()), 'saveToken');
  await rejectsWith(code, () => store.getTokens(), 'getTokens');
  await rejectsWith(code, () => store.findTokenById('1'), 'findTokenById');
  await rejectsWith(code, () => store.deleteToken('1'), 'deleteToken');
  // A key this process does not hold (one it holds queues in the process, and answers null at its bound).
  await rejectsWith(code, () => store.acquireRefreshLock('other', { waitMs: 100, leaseMs: 1_000 }), 'acquireRefreshLock');
}

describe('PostgresStore when the server goes away and comes back', { skip }, () => {
  const schema = uniqueName('outage');
  const admin = adminPool();
  let proxy: TcpProxy;
  before(async () => {
    proxy = await new TcpProxy(PG_CONNECTION.host, PG_CONNECTION.port).start();
  });
  after(async () => {
    await proxy.close();
    await dropSchema(admin, schema);
    await admin.end();
  });

  test('a store with its own pool: typed errors during the cut, then recovery, no crash', async () => {
    const table = uniqueName('t');
    const store = await PostgresStore.open({
      connection: { ...PG_CONNECTION, port: proxy.port, max: 3, connectionTimeoutMillis: 2_000 },
      schema,
      table,
    });
    try {
      const ada = completeToken();
      await store.saveToken(ada);
      const lease = await store.acquireRefreshLock(String(ada.id), { waitMs: 1_000, leaseMs: 60_000 });
      assert.ok(lease);

      await proxy.cut(); // idle pool clients and the lease's client lose their connections
      await new Promise((resolve) => setTimeout(resolve, 50));
      await expectUnavailable(store, String(ada.userName));
      await lease.release(); // the session is gone, and the lock with it: releasing must not throw

      await proxy.restore();
      const found = await store.findToken(new OAuthToken({ userSignature: ada.userName }));
      assert.equal(found?.accessToken, ada.accessToken);
      const bob = completeToken();
      await store.saveToken(bob);
      assert.equal(await countRows(admin, schema, table), 2);
      const again = await store.acquireRefreshLock(String(ada.id), { waitMs: 2_000, leaseMs: 60_000 });
      assert.ok(again, 'the lock held by the lost session must be free after recovery');
      await again.release();
    } finally {
      await store.close();
    }
  });

  test('a store that starts while the server is down connects once it is back', async () => {
    const table = uniqueName('t');
    await proxy.cut();
    const store = new PostgresStore({ connection: { ...PG_CONNECTION, port: proxy.port, max: 2 }, schema, table });
    try {
      await expectUnavailable(store, 'ada@example.com');
      await proxy.restore();
      await store.saveToken(completeToken());
      assert.equal((await store.getTokens()).length, 1);
    } finally {
      await proxy.restore();
      await store.close();
    }
  });

  test('a pool passed in: typed errors, recovery, and close() leaves the pool open', async () => {
    const table = uniqueName('t');
    // No 'error' listener of the caller's own: an idle client dropped by the cut must still not crash the process.
    const pool = new pg.Pool({ ...PG_CONNECTION, port: proxy.port, max: 2, connectionTimeoutMillis: 2_000 });
    const store = await PostgresStore.open({ pool, schema, table });
    const ada = completeToken();
    await store.saveToken(ada);
    await proxy.cut();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expectUnavailable(store, String(ada.userName));
    await proxy.restore();
    assert.equal((await store.findTokenById(String(ada.id)))?.userName, ada.userName);
    await store.close();
    await store.close();
    assert.equal((await pool.query('SELECT 1 AS one')).rows[0].one, 1, 'close() must not end a pool the store did not open');
    await pool.end();
  });
});
