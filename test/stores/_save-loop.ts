// A loop of saves kept running while something happens to the server (a failover, a migration), for the tests of
// what a store keeps through it.
import type { TokenStore } from 'zoho-token-store';
import { completeToken } from 'zoho-token-store/testing';

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface SaveLoopRun<T> {
  /** What `during` resolved to. */
  readonly outcome: T;
  /** user → id of every save that resolved. */
  readonly saved: ReadonlyMap<string, string>;
  /** The same, as it was when `during` began. */
  readonly savedBefore: ReadonlyMap<string, string>;
  /** Every rejection of a save. */
  readonly failures: readonly unknown[];
  readonly rounds: number;
  /** Saves that resolved once `during` had. */
  readonly savesAfter: number;
}

/**
 * Saves in a loop on `store` — each round a new user (the locked path) and an update of the previous round's (the
 * compare-and-set path), pausing 50 ms after a failure — runs `during` once the loop has gone on for half a second,
 * then lets the loop go on until `savesAfter` saves have resolved (or 30 s passed) and stops it.
 */
export async function saveLoopThrough<T>(store: TokenStore, during: () => Promise<T>, savesAfter = 20): Promise<SaveLoopRun<T>> {
  const saved = new Map<string, string>();
  const failures: unknown[] = [];
  let stop = false;
  let rounds = 0;
  let after = 0;
  let done = false;
  const loop = (async () => {
    while (!stop) {
      rounds += 1;
      const fresh = completeToken({ userSignature: `loop-${rounds}@example.com` });
      const seen = completeToken({ userSignature: `loop-${Math.max(1, rounds - 1)}@example.com` });
      for (const token of [fresh, seen]) {
        try {
          await store.saveToken(token);
          saved.set(token.userName as string, String(token.id));
          if (done) after += 1;
        } catch (error) {
          failures.push(error);
          await pause(50);
        }
      }
    }
  })();
  try {
    await pause(500);
    const savedBefore = new Map(saved);
    const outcome = await during();
    done = true;
    const deadline = Date.now() + 30_000;
    while (after < savesAfter && Date.now() < deadline) await pause(100);
    return { outcome, saved, savedBefore, failures, rounds, savesAfter: after };
  } finally {
    stop = true;
    await loop;
  }
}
