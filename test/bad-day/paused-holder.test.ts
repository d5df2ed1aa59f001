// The bad day, second part: the process holding the refresh lock is frozen (SIGSTOP) while its refresh is in flight,
// past its lease. The others take over and refresh; when it thaws, its late answer must not overwrite the newer
// token: its commit is fenced. Against Zoho (which never rotates) that costs at most 2 refresh requests.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_LOCK_LEASE_MS } from 'zoho-token-store';
import type { PgBouncer } from '../_pgbouncer.js';
import { openStore } from '../integration/_stores.js';
import { authorizedExpired, badDayCases, maybePgBouncer, reportsOf, startRound, totals, until, type BadDayCase } from './_bad-day.js';

const folder = mkdtempSync(join(tmpdir(), 'zts-bad-day-paused-'));
let bouncer: PgBouncer | null = null;
const cases = await badDayCases(folder, 'paused', () => bouncer);

async function pausedRound(storeCase: BadDayCase): Promise<void> {
  const spec = await storeCase.spec();
  const setup = await authorizedExpired(spec);
  const where = storeCase.label;
  try {
    // The holder's refresh reaches the server, which answers a few seconds later; the holder is frozen meanwhile.
    setup.emulator.faults.delay(3_000);
    const [holder] = await startRound(setup, 1, 1);
    await until(() => setup.emulator.stats.refreshRequests() === 1, `${where}: the holder's refresh request`);
    holder!.child.kill('SIGSTOP');
    setup.emulator.faults.delay(0);
    // The others wait for the frozen holder's lease to end, then one of them refreshes for all.
    const others = await startRound(setup, 3, 50);
    const rest = totals(await reportsOf(others));
    assert.deepEqual(rest.failed, {}, `${where}: the other callers`);
    assert.equal(rest.served, 150, `${where}: the other callers served`);
    assert.equal(rest.digests.size, 1, `${where}: one new token for the others`);
    const store = await openStore(spec);
    const committed = await store.findTokenById(setup.tokenId);
    // Thawed, the holder gets its late answer; its fenced commit finds the newer token and serves that one.
    holder!.child.kill('SIGCONT');
    const [late] = await reportsOf([holder!]);
    const after = await store.findTokenById(setup.tokenId);
    await store.close();
    assert.equal(after?.accessToken, committed?.accessToken, `${where}: the thawed holder must not overwrite the newer token`);
    assert.deepEqual(late?.failed, {}, `${where}: the thawed holder's caller`);
    assert.deepEqual(
      late?.digests,
      rest.digests.size === 1 ? [...rest.digests] : [],
      `${where}: the thawed holder serves the stored token`,
    );
    assert.ok(
      setup.emulator.stats.refreshRequests() <= 2,
      `${where}: ${setup.emulator.stats.refreshRequests()} refresh requests (at most 2)`,
    );
  } finally {
    await setup.emulator.close();
    await storeCase.cleanUp(spec);
  }
}

describe(`a lock holder frozen past its lease (${DEFAULT_LOCK_LEASE_MS} ms, the default), library defaults`, () => {
  before(async () => {
    bouncer = await maybePgBouncer();
  });
  after(async () => {
    await bouncer?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  test(`the store never ends with an older token than one committed; at most 2 refresh requests (${cases.map((c) => c.label).join(', ')})`, async () => {
    const runnable = cases.filter((storeCase) => storeCase.skip === false);
    const outcomes = await Promise.allSettled(runnable.map(pausedRound));
    const failures = outcomes.flatMap((outcome) =>
      outcome.status === 'rejected' ? [String((outcome.reason as Error)?.message ?? outcome.reason)] : [],
    );
    assert.deepEqual(failures, []);
  });
});
