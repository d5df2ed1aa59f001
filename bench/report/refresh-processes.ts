import { join, resolve } from 'node:path';
import { OAuthToken, TokenManager } from 'zoho-token-store';
import { AccountsClient } from 'zoho-token-store/accounts';
import type { AccountsEmulator } from 'zoho-token-store/testing';
import { go, startGoWorker } from '../../test/_go-workers.js';
import { openStore, type StoreSpec } from '../../test/integration/_stores.js';

// The multi-process test's worker: a TokenManager on the shared store firing `callers` requests at once.
const WORKER = resolve('dist/test/integration/_refresh-worker.js');

/**
 * Refresh requests when `processes` processes sharing one SQLite file each have `callers` concurrent callers ask for
 * one expired token; beside it, the same number of callers each refreshing for itself (the official SDK's flow).
 */
export async function refreshesAcrossProcesses(
  emulator: AccountsEmulator,
  dir: string,
  processes: number,
  callers: number,
): Promise<{ manager: number; naive: number }> {
  const spec: StoreSpec = { kind: 'sqlite', path: join(dir, `processes-${processes}-${callers}.db`) };
  const client = emulator.registerClient();
  const user = emulator.addUser();
  const environment = emulator.environment('us');
  const store = await openStore(spec);
  const manager = new TokenManager({ store, environment, environments: [], client, telemetry: false });
  const token = await manager.exchangeGrant({
    code: emulator.issueGrantCode({ client, user }),
    accountsServer: emulator.accountsUrl('us'),
  });
  await manager.close();
  await store.saveToken(new OAuthToken({ id: token.id, refreshToken: token.refreshToken, expiresAt: 1 }));
  await store.close();
  const refreshToken = String(token.refreshToken);
  const before = emulator.stats.refreshRequests(refreshToken);
  const job = {
    store: spec,
    accountsUrl: environment.accountsUrl,
    apiDomain: environment.apiDomain,
    client: { clientId: client.clientId, clientSecret: client.clientSecret, redirectUri: client.redirectUri },
    user: user.email,
    callers,
    lock: { waitMs: 60_000, leaseMs: 5_000 },
  };
  const workers = Array.from({ length: processes }, () => startGoWorker<{ digests: string[] }>(WORKER, job));
  await Promise.all(workers.map((worker) => worker.ready));
  workers.forEach(go);
  for (const result of await Promise.all(workers.map((worker) => worker.done))) {
    if (result.code !== 0) throw new Error(`a refresh worker failed: ${result.stderr.slice(0, 2_000)}`);
  }
  const ours = emulator.stats.refreshRequests(refreshToken) - before;

  // Each caller for itself: every one sends its refresh (one process here; the count is the same from many).
  const accounts = new AccountsClient({ retry: { attempts: 1 }, clock: emulator.clock });
  const request = { accountsUrl: environment.accountsUrl, clientId: client.clientId, clientSecret: client.clientSecret, refreshToken };
  const naiveBefore = emulator.stats.refreshRequests(refreshToken);
  await Promise.all(Array.from({ length: processes * callers }, () => accounts.refresh(request).catch(() => undefined)));
  return { manager: ours, naive: emulator.stats.refreshRequests(refreshToken) - naiveBefore };
}
