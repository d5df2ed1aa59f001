// The store faults of docs/faults.md, for every store kind: the store fails before a renewal, or after Zoho
// answered it but before its save. Checked each time: the stored row (through a view the fault does not hit), the
// code every caller gets, the requests that reached the accounts server, and recovery of the same manager.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { ErrorCode, type TokenManager } from 'zoho-token-store';
import { LifecycleHarness } from '../lifecycle/_harness.js';
import { assertRenewed, assertUnchanged, failsWith, recovers, storedRow } from './_guarantees.js';
import { STORE_FAULT_CASES, removeFolder, skipOf, type StoreUnderFault } from './_store-faults.js';

const HOUR = 3_600_000;
const CALLERS = 10;
const LOCK = { waitMs: 3_000, leaseMs: 20_000 };

let h: LifecycleHarness;
before(async () => {
  h = await LifecycleHarness.start({ dataCenters: ['us'] });
});
after(async () => {
  await h.close();
  removeFolder();
  h.assertNoSecretLeaked();
});

for (const storeCase of STORE_FAULT_CASES) {
  const skip = await skipOf(storeCase);

  describe(`${storeCase.kind}: ${storeCase.fault}`, { skip }, () => {
    let under: StoreUnderFault;
    let manager: TokenManager;
    let id: string;
    let refreshToken: string;

    /** A manager on the store, with one authorized user whose access token has expired. */
    async function setUp(fetchOverride?: typeof fetch): Promise<void> {
      under = await storeCase.open();
      manager = h.manager({ store: under.store, ...(fetchOverride ? { fetch: fetchOverride } : {}), refreshLock: LOCK });
      const token = await h.authorize(manager, h.client(), h.user());
      id = String(token.id);
      refreshToken = String(token.refreshToken);
      h.emulator.clock.advance(HOUR);
    }
    afterEach(async () => {
      await under?.restore().catch(() => undefined);
      await under?.close();
    });

    test('failing before the renewal: every caller gets STORE_UNAVAILABLE, the row is kept, the same manager recovers', async () => {
      await setUp();
      const before = await storedRow(under.witness, id);
      const requests = h.emulator.stats.refreshRequests(refreshToken);
      await under.cut();
      const errors = await Promise.all(
        Array.from({ length: CALLERS }, () => failsWith(manager.accessToken({ id }), ErrorCode.STORE_UNAVAILABLE)),
      );
      const sent = h.emulator.stats.refreshRequests(refreshToken) - requests;
      // 0: no refresh request while the store cannot be read or locked; 1: one renewal shared by every caller.
      assert.equal(sent, storeCase.requestsDuringFault);
      if (sent === 1) assert.equal(new Set(errors).size, 1, 'concurrent callers share one renewal');
      assertUnchanged(await storedRow(under.witness, id), before, 'a store fault');

      await under.restore();
      const served = await recovers(() => manager.accessToken({ id }), ErrorCode.STORE_UNAVAILABLE);
      assertRenewed(await storedRow(under.witness, id), before, served);
      assert.equal(h.emulator.stats.refreshRequests(refreshToken) - requests, sent + 1, 'recovery costs one refresh');
    });

    test('failing after Zoho answered the refresh, before the save: STORE_UNAVAILABLE, the row untouched, one more refresh on recovery', async () => {
      await setUp(h.fetchThen(() => under.cut()));
      const before = await storedRow(under.witness, id);
      const requests = h.emulator.stats.refreshRequests(refreshToken);
      const errors = await Promise.all(
        Array.from({ length: CALLERS }, () => failsWith(manager.accessToken({ id }), ErrorCode.STORE_UNAVAILABLE)),
      );
      assert.ok(errors.length === CALLERS);
      assert.equal(h.emulator.stats.refreshRequests(refreshToken) - requests, 1, `${CALLERS} concurrent callers: one refresh request`);
      assertUnchanged(await storedRow(under.witness, id), before, 'a failed save');

      // While the fault lasts, callers keep getting the typed error, at the cost stated for the store kind.
      await failsWith(manager.accessToken({ id }), ErrorCode.STORE_UNAVAILABLE);
      assert.equal(h.emulator.stats.refreshRequests(refreshToken) - requests, 1 + storeCase.laterRequestsDuringFault);
      const spent = h.emulator.stats.refreshRequests(refreshToken) - requests;

      await under.restore();
      const restored = Date.now();
      const served = await recovers(() => manager.accessToken({ id }), ErrorCode.STORE_UNAVAILABLE);
      // A lock lease left by the failed renewal must not make the recovered store wait for it to end.
      assert.ok(Date.now() - restored < LOCK.waitMs, `recovered in ${Date.now() - restored} ms, within the lock wait`);
      assertRenewed(await storedRow(under.witness, id), before, served);
      assert.equal(
        h.emulator.stats.refreshRequests(refreshToken) - requests,
        spent + 1,
        'the unsaved access token is not reused: one more refresh',
      );
      assert.equal((await under.witness.getTokens()).length, 1, 'nothing deleted, nothing duplicated');
    });

    test('a grant exchange whose save fails: STORE_UNAVAILABLE, nothing stored; the code is spent, a new one works after recovery', async () => {
      await setUp();
      const authorizing = h.manager({ store: under.store, fetch: h.fetchThen(() => under.cut(), 'authorization_code') });
      const rowsBefore = (await under.witness.getTokens()).length;
      const client = h.client();
      const user = h.user();
      const exchange = (code: string) =>
        authorizing.exchangeGrant({ code, clientId: client.clientId, clientSecret: client.clientSecret, redirectUri: client.redirectUri });
      await failsWith(exchange(h.grantCode(client, user)), ErrorCode.STORE_UNAVAILABLE);
      await under.restore();
      assert.equal((await under.witness.getTokens()).length, rowsBefore, 'nothing stored for the failed exchange');
      const saved = await recovers(() => exchange(h.grantCode(client, user)), ErrorCode.STORE_UNAVAILABLE);
      h.remember(saved);
      assert.equal((await under.witness.findTokenById(String(saved.id)))?.refreshToken, saved.refreshToken);
    });
  });
}
