import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { ErrorCode, OAuthToken } from 'zoho-token-store';
import { SQLiteStore } from 'zoho-token-store/sqlite';
import { runWorkers } from '../_processes.js';
import { Child } from './_sqlite-child.js';
import { tempFolder } from './_sqlite-files.js';

const LOCK_WORKER = 'dist/test/stores/_sqlite-lock-worker.js';
const folder = tempFolder('lock');
after(() => folder.remove());
let files = 0;
const freshPath = (): string => folder.file(`lock-${(files += 1)}.db`);
const LONG = { waitMs: 5_000, leaseMs: 10_000 };

async function twoStores(): Promise<[SQLiteStore, SQLiteStore, () => Promise<void>]> {
  const path = freshPath();
  const a = await SQLiteStore.open({ path });
  const b = await SQLiteStore.open({ path });
  return [a, b, async () => void (await Promise.all([a.close(), b.close()]))];
}

describe('the SQLite refresh lock between two connections to one file', () => {
  test('covers the host for a file and the process for :memory:', async () => {
    const [a, , close] = await twoStores();
    const memory = await SQLiteStore.open({ path: ':memory:' });
    assert.equal(a.refreshLockScope, 'host');
    assert.equal(memory.refreshLockScope, 'process');
    await memory.close();
    await close();
  });

  test('a held lock makes the other wait until waitMs, then resolve to null; a release lets it in at once', async () => {
    const [a, b, close] = await twoStores();
    try {
      const held = await a.acquireRefreshLock('7', LONG);
      assert.ok(held);
      const started = Date.now();
      assert.equal(await b.acquireRefreshLock('7', { waitMs: 150, leaseMs: 1_000 }), null);
      assert.ok(Date.now() - started >= 145, 'it waited for waitMs');
      assert.ok(await b.acquireRefreshLock('8', { waitMs: 0, leaseMs: 1_000 }), 'other keys are free');
      const waiting = b.acquireRefreshLock('7', LONG);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const released = Date.now();
      await held.release();
      const lease = await waiting;
      assert.ok(lease, 'the waiter got the lock');
      assert.ok(Date.now() - released < 1_000, 'soon after the release, long before the lease ended');
      await lease.release();
    } finally {
      await close();
    }
  });

  test("a lease that was never released is taken over once it ends, and the old holder's release is then a no-op", async () => {
    const [a, b, close] = await twoStores();
    try {
      const stale = await a.acquireRefreshLock('7', { waitMs: 0, leaseMs: 300 });
      assert.ok(stale);
      const started = Date.now();
      const taken = await b.acquireRefreshLock('7', { waitMs: 5_000, leaseMs: 10_000 });
      assert.ok(taken);
      assert.ok(Date.now() - started >= 250, 'not before the lease ended');
      await stale.release();
      assert.equal(await a.acquireRefreshLock('7', { waitMs: 100, leaseMs: 1_000 }), null, "the stale release left b's lock in place");
      await taken.release();
      await taken.release();
      assert.ok(await a.acquireRefreshLock('7', { waitMs: 0, leaseMs: 1_000 }));
    } finally {
      await close();
    }
  });

  test('callers in one process queue in order on one store', async () => {
    const path = freshPath();
    const store = await SQLiteStore.open({ path });
    try {
      const order: number[] = [];
      const first = await store.acquireRefreshLock('1', LONG);
      const others = [1, 2, 3].map((n) =>
        store.acquireRefreshLock('1', LONG).then(async (lease) => {
          order.push(n);
          await lease?.release();
        }),
      );
      await first?.release();
      await Promise.all(others);
      assert.deepEqual(order, [1, 2, 3]);
    } finally {
      await store.close();
    }
  });

  test('an aborted wait rejects with the reason; close() ends waits with STORE_CLOSED and frees its locks', async () => {
    const [a, b, close] = await twoStores();
    try {
      const held = await a.acquireRefreshLock('9', LONG);
      assert.ok(held);
      const controller = new AbortController();
      const aborted = b.acquireRefreshLock('9', { ...LONG, signal: controller.signal });
      const reason = new Error('stop waiting');
      setTimeout(() => controller.abort(reason), 30);
      await assert.rejects(aborted, (error: unknown) => error === reason);

      const path = freshPath();
      const c = await SQLiteStore.open({ path });
      const d = await SQLiteStore.open({ path });
      assert.ok(await c.acquireRefreshLock('1', LONG));
      const pollingOnClosed = d.acquireRefreshLock('1', LONG); // polls the file: c holds the row
      const queuedOnClosed = d.acquireRefreshLock('1', LONG); // queues in d's process behind the first
      await new Promise((resolve) => setTimeout(resolve, 30));
      await d.close();
      const closedError = (error: { code?: string }) => error.code === ErrorCode.STORE_CLOSED;
      await assert.rejects(pollingOnClosed, closedError);
      await assert.rejects(queuedOnClosed, closedError);
      const e = await SQLiteStore.open({ path });
      await c.close();
      assert.ok(await e.acquireRefreshLock('1', { waitMs: 0, leaseMs: 1_000 }), 'closing c released its lock');
      await e.close();
    } finally {
      await close();
    }
  });

  test('bad options are an INVALID_ARGUMENT TypeError', async () => {
    const store = await SQLiteStore.open({ path: ':memory:' });
    await assert.rejects(
      store.acquireRefreshLock('1', { waitMs: -1, leaseMs: 1_000 }),
      (error: TypeError & { code?: string }) => error instanceof TypeError && error.code === ErrorCode.INVALID_ARGUMENT,
    );
    await assert.rejects(store.acquireRefreshLock('1', { waitMs: 0, leaseMs: 0 }), TypeError);
    await store.close();
  });
});

describe('the SQLite refresh lock across processes', () => {
  test('4 processes × 10 rounds: at most one holds the lock at any time (no lost counter update, no overlap)', async () => {
    const path = freshPath();
    const counter = folder.file(`counter-${files}`);
    writeFileSync(counter, '0');
    (await SQLiteStore.open({ path })).close(); // create the file first, so the workers measure only the lock
    const results = await runWorkers(LOCK_WORKER, 4, () => ['exclusive', path, '42', counter, '10']);
    assert.equal(readFileSync(counter, 'utf8'), '40');
    const holds = results.flatMap((result) => result.stdout.trim().split('\n')).map((line) => JSON.parse(line) as { overlap: boolean });
    assert.equal(holds.length, 40);
    assert.deepEqual(
      holds.filter((hold) => hold.overlap),
      [],
      'no process found another holder inside',
    );
  });

  test('4 processes finding one expired token: exactly one refreshes, all end with its new token', async () => {
    const path = freshPath();
    const refreshLog = folder.file(`refreshes-${files}`);
    writeFileSync(refreshLog, '');
    const store = await SQLiteStore.open({ path });
    const user = 'expiring@example.com';
    await store.saveToken(
      new OAuthToken({ userSignature: user, refreshToken: '1000.refresh.x', accessToken: '1000.access.old', expiresAt: 1 }),
    );
    await store.close();
    const results = await runWorkers(LOCK_WORKER, 4, () => ['refresh', path, user, refreshLog]);
    const refreshers = readFileSync(refreshLog, 'utf8').trim().split('\n');
    assert.equal(refreshers.length, 1, `one refresh, not ${refreshers.length}`);
    const seen = new Set(results.map((result) => (JSON.parse(result.stdout.trim()) as { accessToken: string }).accessToken));
    assert.deepEqual([...seen], [`1000.access.by.${refreshers[0]}`]);
  });

  test('a holder SIGKILLed with the lock: others wait for its lease to end, then take the lock', async () => {
    const path = freshPath();
    const store = await SQLiteStore.open({ path });
    const leaseMs = 1_500;
    const holder = new Child(LOCK_WORKER, ['hold', path, '5', String(leaseMs)]);
    try {
      const held = JSON.parse(await holder.nextLine()) as { locked: boolean; before: number };
      assert.equal(held.locked, true);
      await holder.kill();
      assert.equal(await store.acquireRefreshLock('5', { waitMs: 100, leaseMs: 1_000 }), null, "the dead holder's lease still counts");
      const lease = await store.acquireRefreshLock('5', { waitMs: 10_000, leaseMs: 1_000 });
      const takenAt = Date.now();
      assert.ok(lease, 'the lock was recovered');
      assert.ok(takenAt >= held.before + leaseMs, 'not before the lease ended');
      assert.ok(takenAt < held.before + leaseMs + 3_000, 'soon after the lease ended');
      await lease.release();
    } finally {
      if (holder.process.exitCode === null && holder.process.signalCode === null) await holder.kill();
      await store.close();
    }
  });
});
