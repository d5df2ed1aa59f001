// Counts what refresh-lock waiters do (the kernel's diagnostics channel) and drives one contended acquisition: a
// holder on one store, a waiter on another, the holder releasing once the waiter waits.
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { LOCK_WAIT_CHANNEL, type LockWaitMessage, type RefreshLockProvider } from 'zoho-token-store/kernel';

export interface WaitCounts {
  wakeWaits: number;
  polls: number;
  wakes: number;
}

/**
 * `holder` takes `key`; `waiter` asks for it with a long wait; once the waiter has started waiting (on a wake or a
 * poll), the holder releases. Resolves to what the waiter did meanwhile; asserts the waiter got the lock.
 */
export async function contend(holder: RefreshLockProvider, waiter: RefreshLockProvider, key: string): Promise<WaitCounts> {
  const counts: WaitCounts = { wakeWaits: 0, polls: 0, wakes: 0 };
  let started = (): void => undefined;
  const waiting = new Promise<void>((resolve) => (started = resolve));
  const onMessage = (message: unknown): void => {
    const event = message as LockWaitMessage;
    if ('woken' in event) counts.wakes += 1;
    else if (event.waiting === 'wake') counts.wakeWaits += 1;
    else counts.polls += 1;
    started();
  };
  subscribe(LOCK_WAIT_CHANNEL, onMessage);
  try {
    const lease = await holder.acquireRefreshLock(key, { waitMs: 0, leaseMs: 60_000 });
    assert.ok(lease, 'the holder takes a free lock');
    const next = waiter.acquireRefreshLock(key, { waitMs: 30_000, leaseMs: 60_000 });
    await waiting;
    await lease.release();
    const got = await next;
    assert.ok(got, 'the waiter gets the lock once the holder released it');
    await got.release();
    return counts;
  } finally {
    unsubscribe(LOCK_WAIT_CHANNEL, onMessage);
  }
}

/** Contends until the waiter's engine watches (its listening connection opens on a first wait), then once more. */
export async function contendWhenListening(holder: RefreshLockProvider, waiter: RefreshLockProvider, key: string): Promise<WaitCounts> {
  for (let i = 0; i < 20; i += 1) {
    const counts = await contend(holder, waiter, `${key}-warm-${i}`);
    if (counts.polls === 0) break;
  }
  return contend(holder, waiter, key);
}
