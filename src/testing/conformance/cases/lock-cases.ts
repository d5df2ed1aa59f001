import { randomInt } from 'node:crypto';
import type { RefreshLease, RefreshLockOptions } from '../../../contract/refresh-lock.js';
import { lockingStore, type LockingStore } from '../capabilities.js';
import type { ConformanceCase, ConformanceSettings } from '../conformance-case.js';
import { ensure, mustReject, mustSucceed } from '../violation.js';

// Waits that are the subject of a rule are short; the bounds on them are generous, so a machine three times slower
// than usual still passes, and a lock that never answers still fails in reasonable time.
const SHORT_WAIT_MS = 300;
const LONG_WAIT_MS = 15_000;
const LEASE_MS = 60_000;
const SLACK_MS = 10_000;

/** A lock key no other rule uses: decimal, like the token ids TokenManager locks. */
const freshKey = (): string => String(randomInt(1_000_000_000, 2_000_000_000));

function locking(store: Parameters<ConformanceCase['run']>[0], rule: string, settings: ConformanceSettings): LockingStore {
  return lockingStore(store, rule, settings.capabilities.refreshLock);
}

async function acquire(store: LockingStore, rule: string, key: string, options: RefreshLockOptions): Promise<RefreshLease | null> {
  const lease = await mustSucceed(rule, 'acquireRefreshLock', () => store.acquireRefreshLock(key, options));
  ensure(
    rule,
    lease === null || typeof lease?.release === 'function',
    'acquireRefreshLock must resolve to a lease (with release()) or to null.',
  );
  return lease;
}

async function held(store: LockingStore, rule: string, key: string, what: string): Promise<RefreshLease> {
  const lease = await acquire(store, rule, key, { waitMs: LONG_WAIT_MS, leaseMs: LEASE_MS });
  ensure(rule, lease !== null, `${what}: a free lock must be granted.`);
  return lease;
}

/** Milliseconds `call` took, with its result. */
async function timed<T>(call: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await call();
  return { value, ms: Date.now() - started };
}

/** Options that every store must refuse, identically: INVALID_ARGUMENT, a TypeError, and no lock taken. */
const BAD_OPTIONS: ReadonlyArray<readonly [string, unknown]> = [
  ['waitMs -5', { waitMs: -5, leaseMs: 1_000 }],
  ['waitMs NaN', { waitMs: Number.NaN, leaseMs: 1_000 }],
  ['waitMs Infinity', { waitMs: Infinity, leaseMs: 1_000 }],
  ["waitMs '100'", { waitMs: '100', leaseMs: 1_000 }],
  ['no waitMs', { leaseMs: 1_000 }],
  ["leaseMs 'x'", { waitMs: 0, leaseMs: 'x' }],
  ['leaseMs 0', { waitMs: 0, leaseMs: 0 }],
  ['leaseMs -1', { waitMs: 0, leaseMs: -1 }],
  ['no leaseMs', { waitMs: 0 }],
  ['keepAliveMs -1', { waitMs: 0, leaseMs: 1_000, keepAliveMs: -1 }],
  ["keepAliveMs 'long'", { waitMs: 0, leaseMs: 1_000, keepAliveMs: 'long' }],
  ['signal that is not an AbortSignal', { waitMs: 0, leaseMs: 1_000, signal: {} }],
  ['options null', null],
  ['no options', undefined],
];

export const lockCases: ConformanceCase[] = [
  {
    rule: 'lock.scope',
    title: 'refreshLockScope says what the lock covers: process, host or cluster',
    async run(store, settings) {
      const locked = locking(store, this.rule, settings);
      ensure(
        this.rule,
        ['process', 'host', 'cluster'].includes(locked.refreshLockScope),
        `refreshLockScope must be process, host or cluster; it is ${String(locked.refreshLockScope)}.`,
      );
    },
  },
  {
    rule: 'lock.exclusive',
    title: 'one holder per key: a second caller waits while it is held; other keys are free',
    async run(store, settings) {
      const locked = locking(store, this.rule, settings);
      const key = freshKey();
      const first = await held(locked, this.rule, key, 'the first caller');
      const second = await acquire(locked, this.rule, key, { waitMs: 0, leaseMs: LEASE_MS });
      ensure(this.rule, second === null, 'a key held by a lease must not be granted to a second caller.');
      const other = await held(locked, this.rule, freshKey(), 'another key');
      await other.release();
      await first.release();
    },
  },
  {
    rule: 'lock.wait-bound',
    title: 'a caller waiting for a held key resolves null once waitMs has passed, not before, and not much after',
    async run(store, settings) {
      const locked = locking(store, this.rule, settings);
      const key = freshKey();
      const first = await held(locked, this.rule, key, 'the holder');
      const { value, ms } = await timed(() => acquire(locked, this.rule, key, { waitMs: SHORT_WAIT_MS, leaseMs: LEASE_MS }));
      await first.release();
      ensure(this.rule, value === null, 'a caller must get null while the key stays held.');
      ensure(this.rule, ms >= SHORT_WAIT_MS - 50, `a wait of ${SHORT_WAIT_MS} ms must last that long; it ended after ${ms} ms.`);
      ensure(this.rule, ms <= SHORT_WAIT_MS + SLACK_MS, `a wait of ${SHORT_WAIT_MS} ms must end soon after; it took ${ms} ms.`);
    },
  },
  {
    rule: 'lock.release-frees',
    title: 'a release hands the key to a caller waiting for it, well within its wait',
    async run(store, settings) {
      const locked = locking(store, this.rule, settings);
      const key = freshKey();
      const first = await held(locked, this.rule, key, 'the holder');
      const waiting = timed(() => acquire(locked, this.rule, key, { waitMs: LONG_WAIT_MS, leaseMs: LEASE_MS }));
      await new Promise((resolve) => setTimeout(resolve, 50));
      await mustSucceed(this.rule, 'release', () => first.release());
      const { value, ms } = await waiting;
      ensure(this.rule, value !== null, 'the waiting caller must get the key once it is released.');
      ensure(this.rule, ms < LONG_WAIT_MS, `the waiting caller must get the key before its wait ends; it took ${ms} ms.`);
      await value.release();
    },
  },
  {
    rule: 'lock.lease-expiry',
    title: 'a lease that is never released ends after leaseMs, and the key goes to the next caller',
    async run(store, settings) {
      const locked = locking(store, this.rule, settings);
      const key = freshKey();
      const leaseMs = 500;
      const forgotten = await acquire(locked, this.rule, key, { waitMs: LONG_WAIT_MS, leaseMs });
      ensure(this.rule, forgotten !== null, 'a free lock must be granted.');
      const { value, ms } = await timed(() => acquire(locked, this.rule, key, { waitMs: LONG_WAIT_MS, leaseMs: LEASE_MS }));
      ensure(this.rule, value !== null, `the next caller must get the key once the ${leaseMs} ms lease ended.`);
      ensure(this.rule, ms >= leaseMs - 100, `the lease of ${leaseMs} ms must hold that long; the key was granted again after ${ms} ms.`);
      await forgotten.release();
      await value.release();
    },
  },
  {
    rule: 'lock.keep-alive',
    title: 'a lease kept alive (keepAliveMs) outlives its leaseMs while its holder lives, and tells when a lease ran out',
    async run(store, settings) {
      const locked = locking(store, this.rule, settings);
      const key = freshKey();
      const leaseMs = 600;
      const kept = await acquire(locked, this.rule, key, { waitMs: LONG_WAIT_MS, leaseMs, keepAliveMs: 60_000 });
      ensure(this.rule, kept !== null, 'a free lock must be granted.');
      await new Promise((resolve) => setTimeout(resolve, leaseMs * 4));
      const other = await acquire(locked, this.rule, key, { waitMs: 0, leaseMs: LEASE_MS });
      ensure(this.rule, other === null, `a lease kept alive must still hold the key after four times its ${leaseMs} ms lease.`);
      ensure(this.rule, kept.lost?.aborted !== true, 'a lease kept alive must not say it was lost.');
      await mustSucceed(this.rule, 'release', () => kept.release());
      const after = await held(locked, this.rule, key, 'a caller after the release');
      await after.release();
      // A lease that is not kept alive runs out, and says so when it can.
      const short = await acquire(locked, this.rule, freshKey(), { waitMs: LONG_WAIT_MS, leaseMs: 300 });
      ensure(this.rule, short !== null, 'a free lock must be granted.');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      ensure(this.rule, short.lost === undefined || short.lost.aborted, 'a lease that ran out must abort its lost signal.');
      await short.release();
    },
  },
  {
    rule: 'lock.release-twice',
    title: 'release twice is safe, and a lease that ended cannot free the key its successor holds',
    async run(store, settings) {
      const locked = locking(store, this.rule, settings);
      const key = freshKey();
      const first = await held(locked, this.rule, key, 'the first caller');
      await mustSucceed(this.rule, 'release', () => first.release());
      await mustSucceed(this.rule, 'a second release', () => first.release());
      const second = await held(locked, this.rule, key, 'the next caller');
      await mustSucceed(this.rule, 'a third release of the first lease', () => first.release());
      const third = await acquire(locked, this.rule, key, { waitMs: 0, leaseMs: LEASE_MS });
      ensure(this.rule, third === null, "an old lease's release must not free the key its successor holds.");
      await second.release();
    },
  },
  {
    rule: 'lock.abort',
    title: "an aborted wait rejects with the signal's reason and leaves nothing held",
    async run(store, settings) {
      const locked = locking(store, this.rule, settings);
      const key = freshKey();
      const first = await held(locked, this.rule, key, 'the holder');
      const controller = new AbortController();
      const reason = new Error('the caller gave up');
      let rejection: unknown = null;
      const waiting = locked.acquireRefreshLock(key, { waitMs: LONG_WAIT_MS, leaseMs: LEASE_MS, signal: controller.signal }).then(
        (lease) => lease?.release(),
        (error: unknown) => {
          rejection = error;
        },
      );
      setTimeout(() => controller.abort(reason), 50);
      await waiting;
      ensure(this.rule, rejection === reason, "an aborted wait must reject with the signal's reason.");
      await first.release();
      const after = await held(locked, this.rule, key, 'a caller after the aborted wait');
      await after.release();
    },
  },
  {
    rule: 'lock.bad-options',
    title: 'bad lock options are refused the same way by every store: INVALID_ARGUMENT (a TypeError), nothing held',
    async run(store, settings) {
      const locked = locking(store, this.rule, settings);
      const key = freshKey();
      for (const [what, options] of BAD_OPTIONS) {
        await mustReject(this.rule, `acquireRefreshLock with ${what}`, 'INVALID_ARGUMENT', () =>
          locked.acquireRefreshLock(key, options as RefreshLockOptions),
        );
        try {
          await locked.acquireRefreshLock(key, options as RefreshLockOptions);
        } catch (error) {
          ensure(this.rule, error instanceof TypeError, `acquireRefreshLock with ${what} must reject with a TypeError.`);
        }
      }
      const free = await acquire(locked, this.rule, key, { waitMs: 0, leaseMs: LEASE_MS });
      ensure(this.rule, free !== null, 'after refused options the key must still be free.');
      await free.release();
    },
  },
];
