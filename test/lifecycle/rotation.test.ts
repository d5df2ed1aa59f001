import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { customEnvironment, MemoryStore, OAuthToken, type Clock } from 'zoho-token-store';
import { LifecycleHarness } from './_harness.js';
import { RotatingOAuthServer } from './_rotating-oauth-server.js';

let h: LifecycleHarness;
let server: RotatingOAuthServer;
before(async () => {
  h = await LifecycleHarness.start({ dataCenters: ['us'] });
  server = await RotatingOAuthServer.start();
  h.secrets.add(server.clientSecret);
});
after(async () => {
  h.secrets.add(server.currentRefreshToken);
  await server.close();
  await h.close();
  h.assertNoSecretLeaked();
});

const HOUR = 3_600_000;

function setup(): { clock: Clock & { advance(ms: number): void }; store: MemoryStore; user: string } {
  let now = Date.now();
  const clock = { now: () => now, advance: (ms: number) => void (now += ms) };
  const store = new MemoryStore();
  return { clock, store, user: `rotating.${Math.random().toString(36).slice(2)}@example.com` };
}

function managerFor(clock: Clock, store: MemoryStore) {
  const environment = customEnvironment({ accountsUrl: server.url, apiDomain: 'https://api.example.com' });
  return h.manager({ environment, environments: [], clock, store });
}

describe('a standard OAuth 2.0 server that rotates refresh tokens', () => {
  test('each new refresh token is saved before the old one can be used again: 3 expiries × 2 managers × 30 callers', async () => {
    const { clock, store, user } = setup();
    await store.saveToken(
      new OAuthToken({
        userSignature: user,
        clientId: server.clientId,
        clientSecret: server.clientSecret,
        refreshToken: server.currentRefreshToken,
      }),
    );
    const managers = [managerFor(clock, store), managerFor(clock, store)];
    const rotatedEvents = () => h.events.filter((e) => e.name === 'refreshed' && (e.payload as { rotated: boolean }).rotated).length;
    const rotatedBefore = rotatedEvents();
    const refreshesBefore = server.refreshRequests;

    for (let round = 1; round <= 3; round += 1) {
      const tokens = await Promise.all(
        Array.from({ length: 60 }, (_, i) => (managers[i % 2] as (typeof managers)[0]).accessToken({ user })),
      );
      for (const token of tokens) h.secrets.add(token);
      assert.equal(new Set(tokens).size, 1);
      assert.equal(server.refreshRequests - refreshesBefore, round, 'one refresh per expiry');
      assert.equal(
        (await store.findToken(new OAuthToken({ userSignature: user })))?.refreshToken,
        server.currentRefreshToken,
        'the newest refresh token is stored',
      );
      clock.advance(HOUR);
    }
    assert.equal(server.reusedRefreshTokens, 0, 'an old refresh token was never sent again');
    assert.equal(rotatedEvents() - rotatedBefore, 3);
    await store.close();
  });

  test('standard error answers: 400 invalid_grant, 401 invalid_client, 429 with Retry-After', async () => {
    const { clock, store, user } = setup();
    await store.saveToken(
      new OAuthToken({
        userSignature: user,
        clientId: server.clientId,
        clientSecret: server.clientSecret,
        refreshToken: server.currentRefreshToken,
      }),
    );
    const manager = managerFor(clock, store);
    server.nextAnswer = { status: 400, body: { error: 'invalid_grant' } };
    await h.rejects(manager.accessToken({ user }), 'REAUTHORIZATION_REQUIRED');

    const second = managerFor(clock, store);
    server.nextAnswer = { status: 401, body: { error: 'invalid_client' } };
    await h.rejects(second.accessToken({ user }), 'INVALID_CLIENT');

    const third = managerFor(clock, store);
    server.nextAnswer = { status: 429, body: { error: 'slow_down' }, headers: { 'retry-after': '7' } };
    const throttled = await h.rejects(third.accessToken({ user }), 'THROTTLED');
    assert.equal(throttled.retryAfterMs, 7_000);

    server.nextAnswer = { status: 200, body: { token_type: 'Bearer' } };
    await h.rejects(managerFor(clock, store).accessToken({ user }), 'ACCOUNTS_PROTOCOL');
    await store.close();
  });
});
