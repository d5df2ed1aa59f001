import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { MemoryStore } from 'zoho-token-store';
import { InProcessLock, SerialQueue, supportsRefreshLock } from 'zoho-token-store/kernel';

describe('InProcessLock', () => {
  it('lets one holder in at a time per key, in arrival order', async () => {
    const lock = new InProcessLock();
    const order: string[] = [];
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      ['a', 'b', 'c', 'd'].map(async (name) => {
        const lease = await lock.acquireRefreshLock('token-1', { waitMs: 1_000, leaseMs: 1_000 });
        assert.ok(lease);
        inside += 1;
        maxInside = Math.max(maxInside, inside);
        order.push(name);
        await sleep(5);
        inside -= 1;
        await lease.release();
      }),
    );
    assert.equal(maxInside, 1);
    assert.deepEqual(order, ['a', 'b', 'c', 'd']);
  });

  it('does not make different keys wait for each other', async () => {
    const lock = new InProcessLock();
    const first = await lock.acquireRefreshLock('one', { waitMs: 10, leaseMs: 1_000 });
    const second = await lock.acquireRefreshLock('two', { waitMs: 10, leaseMs: 1_000 });
    assert.ok(first && second);
    await first.release();
    await second.release();
  });

  it('resolves null when the wait bound passes', async () => {
    const lock = new InProcessLock();
    const holder = await lock.acquireRefreshLock('k', { waitMs: 10, leaseMs: 5_000 });
    const started = Date.now();
    assert.equal(await lock.acquireRefreshLock('k', { waitMs: 30, leaseMs: 5_000 }), null);
    assert.ok(Date.now() - started >= 25);
    await holder?.release();
    assert.ok(await lock.acquireRefreshLock('k', { waitMs: 10, leaseMs: 5_000 }), 'free again after release');
  });

  it('hands the key on when a holder never releases and its lease ends', async () => {
    const lock = new InProcessLock();
    await lock.acquireRefreshLock('k', { waitMs: 10, leaseMs: 30 });
    const next = await lock.acquireRefreshLock('k', { waitMs: 1_000, leaseMs: 1_000 });
    assert.ok(next, 'the waiter gets the key after the lease expired');
    await next.release();
  });

  it('release is idempotent and a stale release does not free the next holder', async () => {
    const lock = new InProcessLock();
    const first = await lock.acquireRefreshLock('k', { waitMs: 10, leaseMs: 1_000 });
    const waiting = lock.acquireRefreshLock('k', { waitMs: 1_000, leaseMs: 1_000 });
    await first?.release();
    const second = await waiting;
    await first?.release();
    assert.equal(await lock.acquireRefreshLock('k', { waitMs: 20, leaseMs: 1_000 }), null, 'second still holds it');
    await second?.release();
  });

  it('rejects a wait aborted by its signal', async () => {
    const lock = new InProcessLock();
    await lock.acquireRefreshLock('k', { waitMs: 10, leaseMs: 1_000 });
    const controller = new AbortController();
    const waiting = lock.acquireRefreshLock('k', { waitMs: 1_000, leaseMs: 1_000, signal: controller.signal });
    controller.abort(new Error('stop'));
    await assert.rejects(waiting, /stop/);
  });

  it('is what MemoryStore offers as its refresh lock', () => {
    const store = new MemoryStore();
    assert.ok(supportsRefreshLock(store));
    assert.equal(store.refreshLockScope, 'process');
  });
});

describe('SerialQueue', () => {
  it('runs tasks one at a time in order, and a failure does not stop the next', async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    const task =
      (name: string, fail = false) =>
      async () => {
        log.push(`start ${name}`);
        await sleep(2);
        log.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([queue.run(task('a')), queue.run(task('b', true)), queue.run(task('c'))]);
    assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    assert.deepEqual(
      results.map((result) => result.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
  });
});
