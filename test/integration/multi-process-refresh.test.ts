// Processes sharing one store refresh an expired token once: the acceptance of the embedded and server stores.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { go } from '../_go-workers.js';
import { skipUnless } from '../_services.js';
import { assertOneRefreshAtExpiry, digestsOf, LOCK, setUp, startWorker } from './_refresh-race.js';
import { sharedStoreCases } from './_store-cases.js';

const folder = mkdtempSync(join(tmpdir(), 'zts-multi-refresh-'));
after(() => rmSync(folder, { recursive: true, force: true }));

const CASES = sharedStoreCases(folder, 'refresh');

for (const storeCase of CASES) {
  const skip = storeCase.service ? await skipUnless(storeCase.service) : false;

  describe(`${storeCase.kind}: processes sharing one store`, { skip }, () => {
    test('4 processes × 100 concurrent callers on one expired token → exactly 1 refresh request', async () => {
      const spec = await storeCase.spec();
      try {
        await assertOneRefreshAtExpiry(spec);
      } finally {
        await storeCase.cleanUp(spec);
      }
    });

    test('a lock holder SIGKILLed mid-refresh: the others finish within the bound, with one more refresh at most', async () => {
      const spec = await storeCase.spec();
      const setup = await setUp(spec);
      try {
        setup.emulator.faults.delay(2_000);
        const doomed = startWorker(setup.job(10));
        await doomed.ready;
        go(doomed);
        const deadline = Date.now() + 10_000;
        while (setup.emulator.stats.refreshRequests(setup.refreshToken) === 0 && Date.now() < deadline) {
          await new Promise((wait) => setTimeout(wait, 10));
        }
        assert.equal(setup.emulator.stats.refreshRequests(setup.refreshToken), 1, 'the first process is mid-refresh');
        doomed.child.kill('SIGKILL');
        await doomed.done;
        setup.emulator.faults.delay(0);

        const started = Date.now();
        const others = Array.from({ length: 3 }, () => startWorker(setup.job(20)));
        await Promise.all(others.map((worker) => worker.ready));
        others.forEach(go);
        const results = await Promise.all(others.map((worker) => worker.done));
        for (const result of results) assert.equal(result.code, 0, result.stderr);
        assert.ok(Date.now() - started < LOCK.waitMs + 5_000, 'the survivors finish within the lock wait bound');
        assert.equal(new Set(results.flatMap(digestsOf)).size, 1, 'the survivors share one token');
        assert.ok(setup.emulator.stats.refreshRequests(setup.refreshToken) <= 2, 'at most one refresh after the killed one');
      } finally {
        await setup.emulator.close();
        await storeCase.cleanUp(spec);
      }
    });
  });
}
