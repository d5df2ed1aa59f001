// The refresh lock within one process: bounds, abort, release, close. Across processes: file-store-processes.test.ts.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { FileStore } from 'zoho-token-store/file';
import { tempDir } from './_file-temp.js';

const dir = tempDir('refresh-lock');
after(() => dir.remove());

test('the refresh lock reports host scope and is per token id; a second taker waits, then gets null after waitMs', async () => {
  const first = new FileStore({ path: dir.file('a.txt') });
  const second = new FileStore({ path: dir.file('a.txt') });
  assert.equal(first.refreshLockScope, 'host');
  const lease = await first.acquireRefreshLock('1', { waitMs: 1_000, leaseMs: 10_000 });
  assert.ok(lease);
  const startedAt = Date.now();
  assert.equal(await second.acquireRefreshLock('1', { waitMs: 200, leaseMs: 10_000 }), null);
  assert.ok(Date.now() - startedAt >= 200);
  const other = await second.acquireRefreshLock('2', { waitMs: 0, leaseMs: 10_000 });
  assert.ok(other, 'another token id is not blocked');
  await other.release();
  // Released: the waiter gets it without waiting for the lease.
  const waiting = second.acquireRefreshLock('1', { waitMs: 5_000, leaseMs: 10_000 });
  await lease.release();
  await lease.release();
  const next = await waiting;
  assert.ok(next);
  await next.release();
  await first.close();
  await second.close();
});

// BackendTokenStore wraps every non-library error, the abort reason included, so the reason arrives as the cause.
test('an aborted wait rejects at once, carrying the signal reason', async () => {
  const store = new FileStore({ path: dir.file('b.txt') });
  const lease = await store.acquireRefreshLock('7', { waitMs: 1_000, leaseMs: 10_000 });
  assert.ok(lease);
  const controller = new AbortController();
  const reason = new Error('stop waiting');
  const startedAt = Date.now();
  const waiting = store.acquireRefreshLock('7', { waitMs: 10_000, leaseMs: 10_000, signal: controller.signal });
  setTimeout(() => controller.abort(reason), 50);
  await assert.rejects(waiting, (error: unknown) => error === reason);
  assert.ok(Date.now() - startedAt < 2_000);
  await lease.release();
  await store.close();
});

test('ids that are not plain names are hashed into the lock name, and close() releases the leases still held', async () => {
  const path = dir.file('c.txt');
  const store = new FileStore({ path });
  const lease = await store.acquireRefreshLock('../../etc/passwd', { waitMs: 1_000, leaseMs: 60_000 });
  assert.ok(lease);
  await store.close();
  const other = new FileStore({ path });
  const again = await other.acquireRefreshLock('../../etc/passwd', { waitMs: 0, leaseMs: 60_000 });
  assert.ok(again, 'close() released the lease');
  await again.release();
  await other.close();
});
