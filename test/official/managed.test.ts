// Managed mode: the official SDK's API calls, unchanged, with a TokenManager behind the bridge. The official SDK
// never calls the accounts server itself: one refresh per expiry for any number of concurrent calls, the grant
// exchanged once, a 401 reported and healed, a revoked refresh token surfacing as REAUTHORIZATION_REQUIRED.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SDKException } from '@zohocrm/typescript-sdk-8.0';
import { ErrorCode, MemoryStore, type TokenStore } from 'zoho-token-store';
import { OfficialTokenStore } from 'zoho-token-store/official';
import type { EmulatorClient, EmulatorUser } from 'zoho-token-store/testing';
import { OfficialHarness, type OfficialStore } from './_official-harness.js';

const HOUR = 3_600_000;

let h: OfficialHarness;
before(async () => {
  h = await OfficialHarness.start();
});
after(async () => {
  h.assertNoSecretLeaked();
  await h.close();
});

interface Managed {
  readonly store: TokenStore;
  readonly bridge: OfficialTokenStore;
  readonly client: EmulatorClient;
  readonly user: EmulatorUser;
}

/** The official SDK initialized with a grant code and a managed bridge on a memory store. */
async function managedStart(
  store: TokenStore = new MemoryStore(),
): Promise<Managed & { token: ReturnType<OfficialHarness['grantToken']> }> {
  const client = h.client();
  const user = h.user();
  const bridge = new OfficialTokenStore(h.manager(store, client));
  const token = h.grantToken(client, h.grantCode(client, user));
  h.emulator.stats.reset();
  await h.initialize(bridge as unknown as OfficialStore, token);
  await h.rememberSecrets(store);
  return { store, bridge, client, user, token };
}

const officialCode = (error: unknown): { code: string; cause: { code?: string } } => error as { code: string; cause: { code?: string } };

describe('managed mode: the official SDK with a TokenManager behind the bridge', () => {
  test('the grant code is exchanged once, by the manager; the token is stored under the CRM user', async () => {
    const { store, user } = await managedStart();
    assert.equal(h.emulator.stats.codeExchanges(), 1);
    assert.deepEqual(await h.currentUser(), { status: 200, emails: [user.email] });
    const [saved] = await store.getTokens();
    assert.equal(saved?.userName, user.email, 'the manager names a token by its CRM user email');
    assert.equal(h.emulator.stats.refreshRequests(), 0);
  });

  test('100 concurrent official API calls at expiry → exactly 1 refresh request, all answered 200', async () => {
    const { store, user } = await managedStart();
    const [before] = await store.getTokens();
    h.emulator.clock.advance(HOUR + 1_000); // every access token of this emulator has expired
    h.emulator.stats.reset();
    const answers = await Promise.all(Array.from({ length: 100 }, () => h.currentUser()));
    assert.ok(
      answers.every((answer) => answer.status === 200 && answer.emails[0] === user.email),
      'every call succeeded',
    );
    assert.equal(h.emulator.stats.refreshRequests(String(before?.refreshToken)), 1);
    assert.equal(h.emulator.stats.refreshRequests(), 1);
    assert.equal(h.emulator.stats.invalidTokenResponses(), 0);
    assert.equal(h.emulator.stats.throttled(), 0);
    const [after] = await store.getTokens();
    assert.notEqual(after?.accessToken, before?.accessToken, 'the refreshed token was saved');
    await h.rememberSecrets(store);
  });

  test('a 401 the official SDK returns is reported; the next call gets a refreshed token and succeeds', async () => {
    const { store, bridge, user, token } = await managedStart();
    const [stored] = await store.getTokens();
    h.emulator.invalidateAccessToken(String(stored?.accessToken));
    const refused = await h.currentUser();
    assert.equal(refused.status, 401, 'the official SDK returns the 401 (it does not retry)');
    bridge.reportInvalidToken(token); // the SDK's own token object holds the access token it sent
    assert.deepEqual(await h.currentUser(), { status: 200, emails: [user.email] });
    assert.equal(h.emulator.stats.refreshRequests(), 1);
    await h.rememberSecrets(store);
  });

  test('a refresh token revoked at Zoho: the official call rejects with SDKException TOKEN_STORE, cause REAUTHORIZATION_REQUIRED', async () => {
    const { store } = await managedStart();
    const [stored] = await store.getTokens();
    h.emulator.revokeRefreshToken(String(stored?.refreshToken));
    h.emulator.clock.advance(HOUR + 1_000);
    h.emulator.stats.reset();
    await assert.rejects(h.currentUser(), (error: unknown) => {
      assert.ok(error instanceof SDKException);
      assert.equal(officialCode(error).code, 'TOKEN_STORE');
      assert.equal(officialCode(error).cause.code, ErrorCode.REAUTHORIZATION_REQUIRED);
      return true;
    });
    assert.equal(h.emulator.stats.refreshRequests(), 1, 'one refresh attempt, refused');
    assert.equal(h.emulator.stats.apiRequests(), 0, 'no API call went out without a valid token');
  });

  test('by id and by user name in managed mode: valid tokens, no refresh by the official SDK', async () => {
    const { store, user } = await managedStart();
    const [stored] = await store.getTokens();
    const bridge = new OfficialTokenStore(h.manager(store, h.client()));
    h.emulator.clock.advance(HOUR + 1_000);
    h.emulator.stats.reset();
    await h.initialize(bridge as unknown as OfficialStore, h.idToken(String(stored?.id)));
    assert.deepEqual(await h.currentUser(), { status: 200, emails: [user.email] });
    await h.initialize(bridge as unknown as OfficialStore, h.userToken(user.email));
    assert.deepEqual(await h.currentUser(), { status: 200, emails: [user.email] });
    assert.equal(h.emulator.stats.refreshRequests(), 1, 'the expired token was refreshed once, by the manager');
    const byId = await bridge.findTokenById(String(stored?.id));
    assert.ok(Number(byId.getExpiresIn()) > Date.now() + HOUR, 'what the official SDK reads is valid past its own 5 s check');
    await h.rememberSecrets(store);
  });

  test('reportInvalidToken without a manager is INVALID_CONFIG', () => {
    const bridge = new OfficialTokenStore(new MemoryStore());
    assert.throws(() => bridge.reportInvalidToken('x'), { code: ErrorCode.INVALID_CONFIG });
    assert.equal(bridge.manager, null);
  });
});
