// Managed mode across processes: 4 processes × 50 official-SDK API calls on one expired token in one shared store
// (SQLite file, MySQL table, PostgreSQL table, Redis prefix, and the file store) → exactly 1 refresh per store.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { OAuthToken, TokenManager } from 'zoho-token-store';
import { AccountsEmulator } from 'zoho-token-store/testing';
import { go, startGoWorker } from '../_go-workers.js';
import { skipUnless } from '../_services.js';
import { LeakCheck } from '../hygiene/_leak-check.js';
import { sharedStoreCases } from '../integration/_store-cases.js';
import { openStore, type StoreSpec } from '../integration/_stores.js';

const WORKER = resolve('dist/test/official/_official-worker.js');
const PROCESSES = 4;
const CALLS = 50;

interface WorkerResult {
  statuses: number[];
  digests: string[];
  logs: string[];
}

const folder = mkdtempSync(join(tmpdir(), 'zts-official-processes-'));
after(() => rmSync(folder, { recursive: true, force: true }));

/** Authorizes one user into the store, then marks its access token expired (as a restart after an hour finds it). */
async function expiredTokenIn(spec: StoreSpec, emulator: AccountsEmulator, leaks: LeakCheck) {
  const client = emulator.registerClient();
  const user = emulator.addUser();
  const store = await openStore(spec);
  const manager = new TokenManager({ store, environment: emulator.environment('us'), client });
  const code = emulator.issueGrantCode({ client, user, scope: ['ZohoCRM.modules.ALL', 'ZohoCRM.users.READ'] });
  const token = await manager.exchangeGrant({ code, accountsServer: emulator.accountsUrl('us') });
  await manager.close();
  await store.saveToken(new OAuthToken({ id: token.id, refreshToken: token.refreshToken, expiresAt: 1 }));
  await store.close();
  leaks.secret(client.clientSecret, code, token.accessToken, token.refreshToken);
  return { client, user, refreshToken: String(token.refreshToken) };
}

for (const storeCase of sharedStoreCases(folder, 'official_procs')) {
  const skip = storeCase.service ? await skipUnless(storeCase.service) : false;

  describe(`managed mode, ${storeCase.kind}: processes sharing one store`, { skip }, () => {
    test(`${PROCESSES} processes × ${CALLS} official getUsers calls on one expired token → exactly 1 refresh`, async () => {
      const spec = await storeCase.spec();
      const emulator = await AccountsEmulator.start({ dataCenters: ['us'] });
      const leaks = new LeakCheck();
      try {
        const { client, user, refreshToken } = await expiredTokenIn(spec, emulator, leaks);
        emulator.stats.reset();
        const logFiles = Array.from({ length: PROCESSES }, (_, i) => join(folder, `sdk-${storeCase.kind}-${i}.log`));
        const workers = logFiles.map((logFile) =>
          startGoWorker<WorkerResult>(WORKER, {
            store: spec,
            accountsUrl: emulator.accountsUrl('us'),
            apiDomain: emulator.apiDomain('us'),
            client: { clientId: client.clientId, clientSecret: client.clientSecret, redirectUri: client.redirectUri },
            user: user.email,
            calls: CALLS,
            logFile,
          }),
        );
        await Promise.all(workers.map((worker) => worker.ready));
        workers.forEach(go);
        const results = await Promise.all(workers.map((worker) => worker.done));
        for (const result of results) assert.equal(result.code, 0, result.stderr);
        const statuses = results.flatMap((result) => result.result?.statuses ?? []);
        assert.equal(statuses.length, PROCESSES * CALLS);
        assert.ok(
          statuses.every((status) => status === 200),
          `every official call answered 200: ${statuses.filter((s) => s !== 200).join(',')}`,
        );
        assert.equal(
          new Set(results.flatMap((result) => result.result?.digests ?? [])).size,
          1,
          'all processes sent one and the same access token',
        );
        assert.equal(emulator.stats.refreshRequests(refreshToken), 1);
        assert.equal(emulator.stats.refreshRequests(), 1);
        assert.equal(emulator.stats.codeExchanges(), 0);
        assert.equal(emulator.stats.invalidTokenResponses(), 0);
        assert.equal(emulator.stats.throttled(), 0);

        const store = await openStore(spec);
        for (const token of await store.getTokens()) leaks.secret(token.accessToken, token.refreshToken);
        await store.close();
        for (const result of results) leaks.text('worker log', ...(result.result?.logs ?? []), result.stderr);
        for (const logFile of logFiles) leaks.text('official SDK log', readFileSync(logFile, 'utf8'));
        leaks.assertClean(3);
      } finally {
        await emulator.close();
        await storeCase.cleanUp(spec);
      }
    });
  });
}
