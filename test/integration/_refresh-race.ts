// One expired token in a shared store and worker processes asking for it at once: the setup of the cross-process
// refresh tests, shared by the tests of every store several processes can share.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { OAuthToken, TokenManager } from 'zoho-token-store';
import { AccountsEmulator, type EmulatorClient } from 'zoho-token-store/testing';
import { go, startGoWorker, type GoWorker } from '../_go-workers.js';
import { openStore, type StoreSpec } from './_stores.js';

const WORKER = resolve('dist/test/integration/_refresh-worker.js');
export const LOCK = { waitMs: 15_000, leaseMs: 3_000 };
const suffix = () => randomBytes(5).toString('hex');

export type Worker = GoWorker<{ digests: string[] }>;
export const startWorker = (job: object): Worker => startGoWorker(WORKER, job);
export const digestsOf = (result: Awaited<Worker['done']>): string[] => result.result?.digests ?? [];

export interface Setup {
  readonly emulator: AccountsEmulator;
  readonly client: EmulatorClient;
  readonly user: string;
  readonly refreshToken: string;
  readonly job: (callers: number) => object;
}

/** Authorizes one user into the store through a TokenManager, then marks the stored access token expired. */
export async function setUp(spec: StoreSpec): Promise<Setup> {
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

/** 4 processes × 100 concurrent callers on one expired token: every caller gets one and the same token, from 1 refresh request. */
export async function assertOneRefreshAtExpiry(spec: StoreSpec, processes = 4, callers = 100): Promise<void> {
  const setup = await setUp(spec);
  try {
    const workers = Array.from({ length: processes }, () => startWorker(setup.job(callers)));
    await Promise.all(workers.map((worker) => worker.ready));
    workers.forEach(go);
    const results = await Promise.all(workers.map((worker) => worker.done));
    for (const result of results) assert.equal(result.code, 0, result.stderr);
    const digests = new Set(results.flatMap(digestsOf));
    assert.equal(digests.size, 1, `all ${processes * callers} callers in ${processes} processes got one and the same access token`);
    assert.equal(setup.emulator.stats.refreshRequests(setup.refreshToken), 1);
    assert.equal(setup.emulator.stats.throttled(), 0);
  } finally {
    await setup.emulator.close();
  }
}
