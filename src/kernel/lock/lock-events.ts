import { channel } from 'node:diagnostics_channel';

/**
 * What a refresh lock's waiter does between two attempts, published on the diagnostics channel
 * `zoho-token-store:refresh-lock-wait`: `{ waiting: 'wake' }` before it waits for the engine to announce a release
 * (bounded by the holder's lease), `{ waiting: 'poll' }` before it sleeps a poll step, `{ woken: true }` when the
 * engine's announcement ended a wait. A test or a profiler counts polls with it, without timing anything. Nothing is
 * published while no one subscribes; a message names no lock (a lock's name carries a token id).
 */
export type LockWaitMessage = { readonly waiting: 'wake' | 'poll' } | { readonly woken: true };

export const LOCK_WAIT_CHANNEL = 'zoho-token-store:refresh-lock-wait';

const waits = channel(LOCK_WAIT_CHANNEL);

export function publishLockWait(message: LockWaitMessage): void {
  if (waits.hasSubscribers) waits.publish(message);
}
