// Processes sharing one store refresh an expired token once: the acceptance of the embedded and server stores.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { OAuthToken, TokenManager } from 'zoho-token-store';
import { AccountsEmulator, type EmulatorClient } from 'zoho-token-store/testing';
import { go, startGoWorker, type GoWorker } from '../_go-workers.js';
import { skipUnless } from '../_services.js';
import { sharedStoreCases } from './_store-cases.js';
import { openStore, type StoreSpec } from './_stores.js';

const WORKER = resolve('dist/test/integration/_refresh-worker.js');
const LOCK = { waitMs: 15_000, leaseMs: 3_000 };
const suffix = () => randomBytes(5).toString('hex');

type Worker = GoWorker<{ digests: string[] }>;
const startWorker = (job: object): Worker => startGoWorker(WORKER, job);
const digestsOf = (result: Awaited<Worker['done']>): string[] => result.result?.digests ?? [];

interface Setup {
  readonly emulator: AccountsEmulator;
  readonly client: EmulatorClient;
  readonly user: string;
  readonly refreshToken: string;
  readonly job: (callers: number) => object;
}

/** Authorizes one user into the store through a TokenManager, then marks the stored access token expired. */
async function setUp(spec: StoreSpec): Promise<Setup> {
  const emulator = await AccountsEmulator.start({ dataCenters: ['us'] });
  const client = emulator.registerClient();
  const user = emulator.addUser({ email: `shared.${suffix()}@example.com` });
  const store = await openStore(spec);
  const environment = emulator.environment('us');
  const manager = new TokenManager({ store, environment, client });
  const token = await manager.exchangeGrant({
    code: emulator.issueGrantCode({ client, user, scope: ['ZohoCRM.modules.ALL', 'ZohoCRM.users.READ'] }),
    accountsServer: emulator.accountsUrl('us'),
  });
  await manager.close();
  await store.saveToken(new OAuthToken({ id: token.id, refreshToken: token.refreshToken, expiresAt: 1 }));
  await store.close();
  emulator.stats.reset();
  return {
    emulator,
    client,
    user: user.email,
    refreshToken: String(token.refreshToken),
    job: (callers) => ({
      store: spec,
      accountsUrl: environment.accountsUrl,
      apiDomain: environment.apiDomain,
      client: { clientId: client.clientId, clientSecret: client.clientSecret, redirectUri: client.redirectUri },
      user: user.email,
      callers,
      lock: LOCK,
    }),
  };
}

const folder = mkdtempSync(join(tmpdir(), 'zts-multi-refresh-'));
after(() => rmSync(folder, { recursive: true, force: true }));

const CASES = sharedStoreCases(folder, 'refresh');

for (const storeCase of CASES) {
  const skip = storeCase.service ? await skipUnless(storeCase.service) : false;

  describe(`${storeCase.kind}: processes sharing one store`, { skip }, () => {
    test('4 processes × 100 concurrent callers on one expired token → exactly 1 refresh request', async () => {
      const spec = await storeCase.spec();
      const setup = await setUp(spec);
      try {
        const workers = Array.from({ length: 4 }, () => startWorker(setup.job(100)));
        await Promise.all(workers.map((worker) => worker.ready));
        workers.forEach(go);
        const results = await Promise.all(workers.map((worker) => worker.done));
        for (const result of results) assert.equal(result.code, 0, result.stderr);
        const digests = new Set(results.flatMap(digestsOf));
        assert.equal(digests.size, 1, 'all 400 callers in 4 processes got one and the same access token');
        assert.equal(setup.emulator.stats.refreshRequests(setup.refreshToken), 1);
        assert.equal(setup.emulator.stats.throttled(), 0);
      } finally {
        await setup.emulator.close();
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
