// The kernel's side of the wake channel, on an engine kept in this process's memory (a table of holders) with a
// hub it announces releases on: what a waiter does when the wake comes, when it never comes, and when the channel
// cannot wake. Counted on the diagnostics channel; no timing is asserted.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BUSY,
  EngineLock,
  WakeHub,
  type HeldLock,
  type LockBusy,
  type LockEngine,
  type LockWakeChannel,
  type LockWatch,
} from 'zoho-token-store/kernel';
import { contend } from './_wake-probe.js';

/** Holders by name; a release frees the name and, when `announce` is on, tells the hub. */
class TableEngine implements LockEngine {
  readonly hub = new WakeHub();
  readonly #held = new Set<string>();
  announce = true;
  readonly wake: LockWakeChannel;

  /** `reach: 'host'`: the channel hears this host's releases alone (as a signal file does). */
  constructor(live: boolean, reach?: 'host') {
    this.hub.setLive(live);
    this.wake = { reach, watch: async (name): Promise<LockWatch> => this.hub.watch(name), close: async () => undefined };
  }

  async tryLock(name: string): Promise<HeldLock | LockBusy> {
    if (this.#held.has(name)) return BUSY;
    this.#held.add(name);
    return {
      release: async () => {
        this.#held.delete(name);
        if (this.announce) this.hub.deliver(name);
      },
    };
  }
}

// Two locks on one engine: the holder's queue in the process is not the waiter's.
const pair = (engine: LockEngine): [EngineLock, EngineLock] => {
  const options = { scope: 'cluster', queueLocally: true, poll: { firstMs: 5, maxMs: 100 } } as const;
  return [new EngineLock(engine, options), new EngineLock(engine, options)];
};

describe('EngineLock with a wake channel', () => {
  it('a waiter is woken by the announced release and polls not once', async () => {
    const [holder, waiter] = pair(new TableEngine(true));
    assert.deepEqual(await contend(holder, waiter, 'k'), { wakeWaits: 1, polls: 0, wakes: 1 });
  });

  it('a release nobody announces still ends the wait: at a tenth of the lease at most, with no wake', async () => {
    const engine = new TableEngine(true);
    engine.announce = false;
    const [holder, waiter] = pair(engine);
    const counts = await contend(holder, waiter, 'k');
    assert.equal(counts.wakes, 0);
    assert.equal(counts.polls, 0, 'it waited on the watch, whose bound ended the wait');
    assert.ok(counts.wakeWaits >= 1);
  });

  it("a channel that hears this host alone bounds each wait by the poll step: a release elsewhere is seen at the poll's pace", async () => {
    const engine = new TableEngine(true, 'host');
    engine.announce = false; // the holder is on another host: its release reaches no channel here
    const [holder, waiter] = pair(engine);
    const started = Date.now();
    const counts = await contend(holder, waiter, 'k');
    const elapsed = Date.now() - started;
    assert.equal(counts.wakes, 0);
    assert.ok(counts.wakeWaits >= 1);
    // A channel that hears every release waits a tenth of the 60 s lease (6 s) for a wake that never comes; the
    // poll steps here are 5 to 100 ms.
    assert.ok(elapsed < 3_000, `the waiter got the lock after ${elapsed} ms`);
  });

  it('a channel that hears this host alone still wakes the waiter on an announced release', async () => {
    const [holder, waiter] = pair(new TableEngine(true, 'host'));
    const counts = await contend(holder, waiter, 'k');
    assert.equal(counts.polls, 0, 'it waited on the watch, never a plain poll');
    assert.ok(counts.wakeWaits >= 1);
  });

  it('a channel that cannot wake (its connection is down) leaves the waiter polling', async () => {
    const [holder, waiter] = pair(new TableEngine(false));
    const counts = await contend(holder, waiter, 'k');
    assert.equal(counts.wakes, 0);
    assert.ok(counts.polls >= 1);
  });

  it('a channel that goes down during a wait sends the waiter back to polling', async () => {
    const engine = new TableEngine(true);
    engine.announce = false;
    const [holder, waiter] = pair(engine);
    const lease = await holder.acquireRefreshLock('k', { waitMs: 0, leaseMs: 600_000 });
    assert.ok(lease);
    let polled = false;
    const { subscribe, unsubscribe } = await import('node:diagnostics_channel');
    const { LOCK_WAIT_CHANNEL } = await import('zoho-token-store/kernel');
    let waiting = (): void => undefined;
    const onWait = new Promise<void>((resolve) => (waiting = resolve));
    const listener = (message: unknown): void => {
      if ((message as { waiting?: string }).waiting === 'wake') waiting();
      if ((message as { waiting?: string }).waiting === 'poll') polled = true;
    };
    subscribe(LOCK_WAIT_CHANNEL, listener);
    try {
      // A lease of 10 minutes: without the channel going down, the wait would last a minute.
      const next = waiter.acquireRefreshLock('k', { waitMs: 120_000, leaseMs: 600_000 });
      await onWait;
      await lease.release();
      engine.hub.setLive(false);
      const got = await next;
      assert.ok(got);
      assert.ok(polled, 'it polled once the channel was down');
      await got.release();
    } finally {
      unsubscribe(LOCK_WAIT_CHANNEL, listener);
    }
  });
});
