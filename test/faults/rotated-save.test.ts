// A rotating accounts server retires the old refresh token the moment it answers a refresh, so the new one exists
// only in the manager until it is stored. Two ways the store can fail right then, for every store kind:
// - it is away for about a second (a restart, a failover): the save is tried again until the store is back, and the
//   callers are served the renewal instead of losing the only live refresh token;
// - (Redis with waitReplicas, where no replica confirms) the fenced save lands but its answer says the outcome is
//   unknown: the next try finds the renewal already stored, and must not take it for another holder's and revoke it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, afterEach, before, describe, test } from 'node:test';
import { customEnvironment, OAuthToken, type TokenManager, type TokenManagerOptions } from 'zoho-token-store';
import { RedisStore } from 'zoho-token-store/redis';
import { LifecycleHarness } from '../lifecycle/_harness.js';
import { skipUnless } from '../_services.js';
import { adminClient, dropPrefix, REDIS_URL } from '../stores/_redis-support.js';
import { STORE_FAULT_CASES, removeFolder, skipOf, type StoreUnderFault } from './_store-faults.js';

const HOUR = 3_600_000;
const CALLERS = 10;
const OUTAGE_MS = 1_000;

let h: LifecycleHarness;
before(async () => {
  h = await LifecycleHarness.start({ dataCenters: ['us'] });
  h.emulator.rotateRefreshTokens(true);
});
after(async () => {
  await h.close();
  removeFolder();
  h.assertNoSecretLeaked();
});

/** The harness's options for a manager that knows its server may rotate refresh tokens. */
function rotating(overrides: TokenManagerOptions): TokenManagerOptions {
  const environment = customEnvironment({
    accountsUrl: h.emulator.accountsUrl('us'),
    apiDomain: h.emulator.apiDomain('us'),
    refreshTokenRotation: 'possible',
  });
  return { environment, environments: [environment], ...overrides };
}

for (const storeCase of STORE_FAULT_CASES) {
  const skip = await skipOf(storeCase);

  describe(`${storeCase.kind}, a rotating server: ${storeCase.fault} for about a second right after the refresh answer`, { skip }, () => {
    let under: StoreUnderFault | undefined;
    afterEach(async () => {
      await under?.restore().catch(() => undefined);
      await under?.close();
    });

    test('the rotated refresh token is stored once the store is back; every caller is served; one refresh request', async () => {
      under = await storeCase.open();
      const fault = under;
      const outage = h.fetchThen(async () => {
        await fault.cut();
        setTimeout(() => void fault.restore(), OUTAGE_MS);
      });
      const manager: TokenManager = h.manager(
        rotating({ store: fault.store, fetch: outage, refreshLock: { waitMs: 20_000, leaseMs: 20_000 } }),
      );
      const token = await h.authorize(manager, h.client(), h.user());
      const id = String(token.id);
      h.emulator.clock.advance(HOUR);
      const requests = h.emulator.stats.refreshRequests();

      const served = await Promise.all(Array.from({ length: CALLERS }, () => manager.accessToken({ id })));
      for (const accessToken of served) h.secrets.add(accessToken);

      assert.equal(new Set(served).size, 1, 'one renewal for every caller');
      assert.equal(h.emulator.stats.refreshRequests() - requests, 1, 'refresh requests');
      const stored = await fault.witness.findTokenById(id);
      assert.equal(stored?.accessToken, served[0], 'the renewal is what the store holds');
      assert.notEqual(stored?.refreshToken, token.refreshToken, 'the rotated refresh token was stored');
      assert.ok(h.emulator.refreshTokenIsLive(String(stored?.refreshToken)), 'and it is live at the server');
      assert.equal(h.emulator.stats.revokes(), 0, 'nothing revoked');
    });
  });
}

describe('redis with waitReplicas and no replica: a fenced save that landed, its confirmation failed', {
  skip: await skipUnless('redis'),
}, () => {
  const admin = adminClient();
  const keyPrefix = `zts-test:unconfirmed:${randomBytes(5).toString('hex')}:`;
  after(async () => {
    await dropPrefix(admin, keyPrefix);
    await admin.quit();
  });

  test('the next try finds the renewal stored: it is served and kept, its refresh token not revoked', async () => {
    // Authorized through a store that does not wait for replicas, so only the renewal's save meets the failing WAIT.
    const plain = new RedisStore({ url: REDIS_URL, keyPrefix });
    const waiting = new RedisStore({ url: REDIS_URL, keyPrefix, waitReplicas: 1, waitTimeoutMs: 50 });
    try {
      const token = await h.authorize(h.manager(rotating({ store: plain })), h.client(), h.user());
      const id = String(token.id);
      const manager = h.manager(rotating({ store: waiting }));
      h.emulator.clock.advance(HOUR);
      const revokes = h.emulator.stats.revokes();

      const accessToken = await manager.accessToken({ id });
      h.secrets.add(accessToken);

      const stored = await plain.findToken(new OAuthToken({ accessToken }));
      assert.equal(stored?.id, id, 'the renewal is stored');
      assert.notEqual(stored?.refreshToken, token.refreshToken, 'with its rotated refresh token');
      assert.ok(h.emulator.refreshTokenIsLive(String(stored?.refreshToken)), 'which is live at the server');
      assert.equal(h.emulator.stats.revokes() - revokes, 0, 'nothing revoked');
    } finally {
      await waiting.close();
      await plain.close();
    }
  });
});
