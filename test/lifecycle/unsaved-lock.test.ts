// Processes configured with the same token that is not stored yet (the official SDK's Initializer style): they renew
// it under one store lock, and a wait for that lock that runs out sends nothing. Two managers over two SQLiteStore
// instances on one file stand for two processes: each instance has its own connection and polls the lock rows.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { customEnvironment, type OAuthToken, type TokenManager, type TokenManagerOptions } from 'zoho-token-store';
import { SQLiteStore } from 'zoho-token-store/sqlite';
import { LifecycleHarness, clientToken } from './_harness.js';

let h: LifecycleHarness;
const folder = mkdtempSync(join(tmpdir(), 'zts-unsaved-lock-'));
before(async () => {
  h = await LifecycleHarness.start({ dataCenters: ['us'] });
});
after(async () => {
  await h.close();
  rmSync(folder, { recursive: true, force: true });
  h.assertNoSecretLeaked();
});

let files = 0;

/** Two "processes": a manager each, over its own SQLiteStore on one shared file, both configured with `configured`. */
async function twoProcesses(
  configured: OAuthToken,
  overrides: TokenManagerOptions = {},
): Promise<{ managers: TokenManager[]; stores: SQLiteStore[] }> {
  files += 1;
  const path = join(folder, `tokens-${files}.db`);
  const stores = [await SQLiteStore.open({ path }), await SQLiteStore.open({ path })];
  const managers = stores.map((store) => h.manager({ store, tokens: configured, ...overrides }));
  return { managers, stores };
}

/** `callers` concurrent accessToken() calls on each manager, settled. */
function callersOn(managers: TokenManager[], callers: number): Promise<Array<PromiseSettledResult<string>>> {
  return Promise.allSettled(managers.flatMap((manager) => Array.from({ length: callers }, () => manager.accessToken())));
}

function served(results: Array<PromiseSettledResult<string>>): string[] {
  return results.map((result) => {
    if (result.status === 'rejected') {
      h.errors.push(result.reason);
      assert.fail(`a caller was not served: ${(result.reason as { code?: string }).code ?? String(result.reason)}`);
    }
    h.secrets.add(result.value);
    return result.value;
  });
}

describe('a configured token that is not stored yet, in two processes', () => {
  for (const named of [true, false]) {
    test(`same configured refresh token (${named ? 'with' : 'without'} a user name), nothing stored: one refresh for both processes`, async () => {
      const client = h.client();
      const user = h.user();
      const authorized = await h.authorize(h.manager(), client, user);
      const refreshToken = String(authorized.refreshToken);
      const configured = clientToken(client, { refreshToken, ...(named ? { userSignature: user.email } : {}) });
      const { managers, stores } = await twoProcesses(configured);
      const before = h.emulator.stats.refreshRequests(refreshToken);
      // Each refresh answer takes a while, so both processes are in their renewal at the same time.
      h.emulator.faults.delay(300);
      try {
        const tokens = served(await callersOn(managers, 10));
        assert.equal(h.emulator.stats.refreshRequests(refreshToken) - before, 1, 'one refresh between the two processes');
        assert.equal(new Set(tokens).size, 1, 'every caller is served the same access token');
        const stored = await stores[0]?.getTokens();
        assert.equal(stored?.length, 1);
        assert.equal(stored?.[0]?.accessToken, tokens[0]);
      } finally {
        h.emulator.faults.clear();
        for (const store of stores) await store.close();
      }
    });
  }

  test('rotating server: one refresh, no REAUTHORIZATION_REQUIRED, the rotated refresh token is stored', async () => {
    const client = h.client();
    const user = h.user();
    const authorized = await h.authorize(h.manager(), client, user);
    const refreshToken = String(authorized.refreshToken);
    const environment = customEnvironment({
      accountsUrl: h.emulator.accountsUrl('us'),
      apiDomain: h.emulator.apiDomain('us'),
      refreshTokenRotation: 'possible',
    });
    const configured = clientToken(client, { userSignature: user.email, refreshToken });
    const { managers, stores } = await twoProcesses(configured, { environment, environments: [environment] });
    const before = { refreshes: h.emulator.stats.refreshRequests(), reused: h.emulator.stats.reusedRefreshTokens() };
    h.emulator.rotateRefreshTokens(true);
    h.emulator.faults.delay(300);
    try {
      const tokens = served(await callersOn(managers, 10));
      assert.equal(h.emulator.stats.refreshRequests() - before.refreshes, 1, 'one refresh between the two processes');
      assert.equal(h.emulator.stats.reusedRefreshTokens() - before.reused, 0, 'the configured refresh token was sent once');
      assert.equal(new Set(tokens).size, 1);
      const stored = await stores[1]?.getTokens();
      assert.equal(stored?.length, 1);
      const storedRefresh = String(stored?.[0]?.refreshToken);
      h.secrets.add(storedRefresh);
      assert.notEqual(storedRefresh, refreshToken, 'the rotated refresh token is stored');
      assert.ok(h.emulator.refreshTokenIsLive(storedRefresh), 'and it is the live one');
      assert.equal(h.emulator.refreshTokenIsLive(refreshToken), false);
    } finally {
      h.emulator.faults.clear();
      h.emulator.rotateRefreshTokens(false);
      for (const store of stores) await store.close();
    }
  });

  test('grant code whose exchange outlasts refreshLock.waitMs: one exchange; the waiter sends nothing (REFRESH_IN_PROGRESS)', async () => {
    const client = h.client();
    const user = h.user();
    const configured = clientToken(client, { userSignature: user.email, grantToken: h.grantCode(client, user) });
    // The wait is the subject: 1 s, against an exchange held 5 s by the server.
    const { managers, stores } = await twoProcesses(configured, { refreshLock: { waitMs: 1_000 } });
    const [first, second] = managers as [TokenManager, TokenManager];
    const before = h.emulator.stats.codeExchanges();
    h.emulator.faults.delay(5_000);
    try {
      const holder = first.accessToken();
      // The second process starts once the first holds the lock and its exchange is on the wire.
      const deadline = Date.now() + 20_000;
      while (h.emulator.stats.codeExchanges() === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(h.emulator.stats.codeExchanges() - before, 1, 'the first exchange reached the server');
      const waiter = await second.accessToken().then(
        (token) => ({ token }),
        (error: unknown) => ({ error }),
      );
      const access = await holder;
      h.secrets.add(access);
      if ('error' in waiter) {
        h.errors.push(waiter.error);
        assert.equal((waiter.error as { code?: string }).code, 'REFRESH_IN_PROGRESS');
      } else assert.equal(waiter.token, access, 'or the token the holder stored');
      assert.equal(h.emulator.stats.codeExchanges() - before, 1, 'the code was exchanged once');
      h.emulator.faults.clear();
      // Once the holder has saved, the waiter's next call is served its token, still without an exchange.
      assert.equal(await second.accessToken(), access);
      assert.equal(h.emulator.stats.codeExchanges() - before, 1);
    } finally {
      h.emulator.faults.clear();
      for (const store of stores) await store.close();
    }
  });
});
