import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { PostgresStore } from 'zoho-token-store/postgres';
import { skipUnless } from '../_services.js';
import { PG_CONNECTION, adminPool, dropSchema, uniqueName } from './_postgres.js';

const skip = await skipUnless('postgres');

describe('PostgresStore refresh lock (two stores, two pools, one table)', { skip }, () => {
  const schema = uniqueName('lock');
  const admin = adminPool();
  const stores: PostgresStore[] = [];
  after(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await dropSchema(admin, schema);
    await admin.end();
  });
  const pair = async (): Promise<[PostgresStore, PostgresStore]> => {
    const table = uniqueName('t');
    const open = () => PostgresStore.open({ connection: { ...PG_CONNECTION, max: 2 }, schema, table });
    const both: [PostgresStore, PostgresStore] = [await open(), await open()];
    stores.push(...both);
    return both;
  };

  test('covers the cluster; a held key makes the other wait its bound and resolve null', async () => {
    const [a, b] = await pair();
    assert.equal(a.refreshLockScope, 'cluster');
    const lease = await a.acquireRefreshLock('1', { waitMs: 1_000, leaseMs: 60_000 });
    assert.ok(lease);
    const started = Date.now();
    assert.equal(await b.acquireRefreshLock('1', { waitMs: 250, leaseMs: 60_000 }), null);
    const waited = Date.now() - started;
    assert.ok(waited >= 250 && waited < 2_000, `waited ${waited} ms for a 250 ms bound`);
    const other = await b.acquireRefreshLock('2', { waitMs: 0, leaseMs: 60_000 });
    assert.ok(other, 'another key is not blocked');
    await other.release();
    await lease.release();
    await lease.release(); // safe twice
    const next = await b.acquireRefreshLock('1', { waitMs: 0, leaseMs: 60_000 });
    assert.ok(next, 'a released key is free at once');
    await next.release();
  });

  test('a waiter gets the lock soon after the holder releases', async () => {
    const [a, b] = await pair();
    const lease = await a.acquireRefreshLock('1', { waitMs: 0, leaseMs: 60_000 });
    assert.ok(lease);
    const waiting = b.acquireRefreshLock('1', { waitMs: 5_000, leaseMs: 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const releasedAt = Date.now();
    await lease.release();
    const next = await waiting;
    assert.ok(next);
    assert.ok(Date.now() - releasedAt < 1_000, 'the waiter must not sleep long after the release');
    await next.release();
  });

  test('a lease past leaseMs is released for the others', async () => {
    const [a, b] = await pair();
    const lease = await a.acquireRefreshLock('1', { waitMs: 0, leaseMs: 200 });
    assert.ok(lease);
    const started = Date.now();
    const next = await b.acquireRefreshLock('1', { waitMs: 5_000, leaseMs: 60_000 });
    assert.ok(next);
    assert.ok(Date.now() - started >= 150, 'the lease must hold until it expires');
    await lease.release(); // expired already: no effect on b's lease
    assert.equal(await a.acquireRefreshLock('1', { waitMs: 0, leaseMs: 60_000 }), null, "b's lease must survive a's late release");
    await next.release();
  });

  test('an aborted wait rejects with the reason and holds nothing', async () => {
    const [a, b] = await pair();
    const lease = await a.acquireRefreshLock('1', { waitMs: 0, leaseMs: 60_000 });
    assert.ok(lease);
    const controller = new AbortController();
    const waiting = b.acquireRefreshLock('1', { waitMs: 10_000, leaseMs: 60_000, signal: controller.signal });
    const reason = new Error('shutting down');
    setTimeout(() => controller.abort(reason), 100);
    await assert.rejects(waiting, (error: unknown) => error === reason);
    await lease.release();
    const next = await b.acquireRefreshLock('1', { waitMs: 0, leaseMs: 60_000 });
    assert.ok(next);
    await next.release();
  });

  test('a wait or lease that is not a non-negative number is refused', async () => {
    const [a] = await pair();
    for (const bad of [Number.NaN, -1, Infinity, '100' as unknown as number]) {
      await assert.rejects(a.acquireRefreshLock('1', { waitMs: bad, leaseMs: 1_000 }), { code: 'INVALID_ARGUMENT' });
      await assert.rejects(a.acquireRefreshLock('1', { waitMs: 0, leaseMs: bad }), { code: 'INVALID_ARGUMENT' });
    }
  });

  test('close() releases the leases the store holds', async () => {
    const [a, b] = await pair();
    assert.ok(await a.acquireRefreshLock('1', { waitMs: 0, leaseMs: 60_000 }));
    await a.close();
    const next = await b.acquireRefreshLock('1', { waitMs: 1_000, leaseMs: 60_000 });
    assert.ok(next);
    await next.release();
  });
});
