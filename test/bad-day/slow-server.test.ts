// The bad day, first part: an accounts server that takes 20 s (and 45 s) to answer. With the library's defaults, 4
// processes × 50 callers on one expired token, in every shared store: exactly one refresh request, every caller
// served with the one new token; against a rotating server, no refresh token reused and the grant alive afterwards.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { PgBouncer } from '../_pgbouncer.js';
import { authorizedExpired, badDayCases, maybePgBouncer, reportsOf, startRound, totals, type BadDayCase } from './_bad-day.js';

const PROCESSES = 4;
const CALLERS = 50;

const folder = mkdtempSync(join(tmpdir(), 'zts-bad-day-slow-'));
let bouncer: PgBouncer | null = null;
const cases = await badDayCases(folder, 'slow', () => bouncer);

/** One store's round against a server answering after `delayMs`: the checks of the first rows. */
async function slowRound(storeCase: BadDayCase, delayMs: number, rotation: boolean): Promise<void> {
  const spec = await storeCase.spec();
  const setup = await authorizedExpired(spec, { rotation });
  try {
    setup.emulator.faults.delay(delayMs);
    const { served, failed, digests, lastMs } = totals(await reportsOf(await startRound(setup, PROCESSES, CALLERS)));
    const where = `${storeCase.label}, ${delayMs / 1_000} s${rotation ? ', rotating' : ''}`;
    assert.equal(setup.emulator.stats.refreshRequests(), 1, `${where}: refresh requests`);
    assert.deepEqual(failed, {}, `${where}: failed callers`);
    assert.equal(served, PROCESSES * CALLERS, `${where}: served callers`);
    assert.equal(digests.size, 1, `${where}: every caller must get the one new access token`);
    assert.ok(lastMs >= delayMs - 1_000, `${where}: the last caller (${lastMs} ms) cannot be served before the server answered`);
    if (rotation) {
      assert.equal(setup.emulator.stats.reusedRefreshTokens(), 0, `${where}: no refresh token reused`);
      assert.equal(setup.emulator.refreshTokenIsLive(setup.refreshToken), false, `${where}: the old refresh token was rotated away`);
    }
  } finally {
    await setup.emulator.close();
    await storeCase.cleanUp(spec);
  }
}

/** The rounds of every store at once (each has its own emulator), so the slow server's wait is paid once. */
async function everyStore(delayMs: number, rotation: boolean): Promise<void> {
  const runnable = cases.filter((storeCase) => storeCase.skip === false);
  const outcomes = await Promise.allSettled(runnable.map((storeCase) => slowRound(storeCase, delayMs, rotation)));
  const failures = outcomes.flatMap((outcome) =>
    outcome.status === 'rejected' ? [String((outcome.reason as Error)?.message ?? outcome.reason)] : [],
  );
  assert.deepEqual(failures, []);
  for (const storeCase of cases) if (storeCase.skip !== false) console.warn(`\n*** ${storeCase.label}: ${storeCase.skip} ***\n`);
}

describe('a slow accounts server, library defaults, 4 processes × 50 callers on one expired token', () => {
  before(async () => {
    bouncer = await maybePgBouncer();
  });
  after(async () => {
    await bouncer?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  test(`answering in 20 s: 1 refresh request, all ${PROCESSES * CALLERS} callers served with it (${cases.map((c) => c.label).join(', ')})`, async () => {
    await everyStore(20_000, false);
  });

  test('answering in 45 s: still 1 refresh request, all callers served with it', async () => {
    await everyStore(45_000, false);
  });

  test('a rotating server answering in 20 s: 1 refresh, no refresh token reused, the new one stored and alive', async () => {
    await everyStore(20_000, true);
  });
});
