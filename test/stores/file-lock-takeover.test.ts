// Taking over a lock directory nobody renews (its holder died or froze): one taker wins, however many try at once,
// and a try that meets a lock going away is busy, not an error. Real directories; the tries run concurrently on the
// thread pool's file operations, as other processes' would.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { tryFileLock } from '../../src/stores/file/file-lock.js';

const folder = mkdtempSync(join(tmpdir(), 'zts-file-lock-'));
const STALE_MS = 2_000;

/** A lock directory as a holder leaves it when it stops renewing it, `ageMs` ago. */
function leftBehind(path: string, ageMs: number): void {
  mkdirSync(path);
  const then = new Date(Date.now() - ageMs);
  utimesSync(path, then, then);
}

describe('file lock takeover', () => {
  after(() => rmSync(folder, { recursive: true, force: true }));

  test('8 concurrent tries on a stale lock, 150 rounds: exactly one winner each round, no try fails', async () => {
    const rounds: number[] = [];
    for (let round = 0; round < 150; round += 1) {
      const path = join(folder, `stale-${round}.lock`);
      leftBehind(path, 60_000);
      const tries = await Promise.allSettled(Array.from({ length: 8 }, () => tryFileLock(path, STALE_MS)));
      const failed = tries.filter((outcome) => outcome.status === 'rejected');
      assert.deepEqual(failed, [], `round ${round}: a try failed`);
      const winners = tries.flatMap((outcome) => (outcome.status === 'fulfilled' && outcome.value !== null ? [outcome.value] : []));
      rounds.push(winners.length);
      for (const lease of winners) await lease.release();
    }
    assert.deepEqual(
      rounds.filter((winners) => winners !== 1),
      [],
      'every round had exactly one winner',
    );
  });

  test('a lock renewed within the stale bound is never taken over', async () => {
    const path = join(folder, 'live.lock');
    const holder = await tryFileLock(path, STALE_MS);
    assert.ok(holder);
    const tries = await Promise.all(Array.from({ length: 8 }, () => tryFileLock(path, STALE_MS)));
    assert.deepEqual(
      tries.filter((lease) => lease !== null),
      [],
    );
    assert.equal(holder.compromised, false);
    await holder.release();
    const next = await tryFileLock(path, STALE_MS);
    assert.ok(next, 'released, it is free');
    await next.release();
  });

  test('a takeover gate left by a taker that died is cleared, and the stale lock is then taken', async () => {
    const path = join(folder, 'gate.lock');
    leftBehind(path, 60_000);
    leftBehind(`${path}.takeover`, 60_000);
    assert.equal(await tryFileLock(path, STALE_MS), null, 'the first try finds the gate and clears it');
    const lease = await tryFileLock(path, STALE_MS);
    assert.ok(lease, 'the next try takes the stale lock over');
    await lease.release();
  });

  test('a taker meeting a fresh gate (another takeover under way) is busy', async () => {
    const path = join(folder, 'busy-gate.lock');
    leftBehind(path, 60_000);
    mkdirSync(`${path}.takeover`);
    assert.equal(await tryFileLock(path, STALE_MS), null);
    rmSync(`${path}.takeover`, { recursive: true });
  });
});
