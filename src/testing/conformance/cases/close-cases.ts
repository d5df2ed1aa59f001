import { OAuthToken } from '../../../token/oauth-token.js';
import { closableStore, lockingStore } from '../capabilities.js';
import type { ConformanceCase } from '../conformance-case.js';
import { completeToken } from '../fixtures.js';
import { save } from '../store-calls.js';
import { ensure, mustFail, mustReject, mustSucceed } from '../violation.js';

/** A promise's outcome as a function that returns its value or throws its error, so no rejection goes unhandled. */
function settled<T>(promise: Promise<T>): Promise<() => T> {
  return promise.then(
    (value) => () => value,
    (error: unknown) => () => {
      throw error;
    },
  );
}

export const closeCases: ConformanceCase[] = [
  {
    rule: 'close.idempotent',
    title: 'close() resolves, and a second close() resolves too',
    async run(store, settings) {
      const closable = closableStore(store, this.rule, settings.capabilities.close);
      await save(store, this.rule, completeToken());
      await mustSucceed(this.rule, 'close', () => closable.close());
      await mustSucceed(this.rule, 'a second close', () => closable.close());
    },
  },
  {
    rule: 'close.then-closed',
    title: "after close() every method rejects (this library's stores with STORE_CLOSED)",
    async run(store, settings) {
      const closable = closableStore(store, this.rule, settings.capabilities.close);
      const token = await save(store, this.rule, completeToken());
      await mustSucceed(this.rule, 'close', () => closable.close());
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['findToken', () => store.findToken(new OAuthToken({ userSignature: token.userName }))],
        ['saveToken', () => store.saveToken(completeToken())],
        ['deleteToken', () => store.deleteToken(String(token.id))],
        ['getTokens', () => store.getTokens()],
        ['deleteTokens', () => store.deleteTokens()],
        ['findTokenById', () => store.findTokenById(String(token.id))],
      ];
      for (const [method, call] of calls) await mustFail(this.rule, `${method} after close()`, call);
    },
  },
  {
    rule: 'close.ends-lock-waits',
    title: 'close() ends a refresh-lock wait in progress with STORE_CLOSED',
    async run(store, settings) {
      const closable = closableStore(store, this.rule, settings.capabilities.close);
      const locked = lockingStore(store, this.rule, settings.capabilities.refreshLock);
      const key = '1999999999';
      const holder = await mustSucceed(this.rule, 'acquireRefreshLock', () =>
        locked.acquireRefreshLock(key, { waitMs: 15_000, leaseMs: 60_000 }),
      );
      ensure(this.rule, holder !== null, 'a free lock must be granted.');
      // Settled into a value at once: the wait may end while close() is still running.
      const waiting = settled(locked.acquireRefreshLock(key, { waitMs: 15_000, leaseMs: 60_000 }));
      await new Promise((resolve) => setTimeout(resolve, 50));
      const started = Date.now();
      await mustSucceed(this.rule, 'close', () => closable.close());
      await mustReject(this.rule, 'a refresh-lock wait when the store closes', 'STORE_CLOSED', () => waiting.then((outcome) => outcome()));
      ensure(this.rule, Date.now() - started < 10_000, 'close() must end the wait, not let it run its course.');
      await holder.release();
    },
  },
];
