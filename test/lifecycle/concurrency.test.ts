import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MemoryStore, OAuthToken, type TokenManager, type TokenStore } from 'zoho-token-store';
import type { EmulatorClient, EmulatorUser } from 'zoho-token-store/testing';
import { LifecycleHarness } from './_harness.js';

let h: LifecycleHarness;
before(async () => {
  h = await LifecycleHarness.start();
});
after(async () => {
  await h.close();
  h.assertNoSecretLeaked();
});

const HOUR = 3_600_000;

/**
 * Authorizes `count` users into the manager's store; returns them with their tokens. A new client every 10 users:
 * Zoho (and the emulator) allow a client 10 grant codes per 10 minutes.
 */
async function authorizeUsers(manager: TokenManager, count: number): Promise<Array<{ user: EmulatorUser; token: OAuthToken }>> {
  const out: Array<{ user: EmulatorUser; token: OAuthToken }> = [];
  let client: EmulatorClient = h.client();
  for (let i = 0; i < count; i += 1) {
    if (i > 0 && i % 10 === 0) client = h.client();
    const user = h.user();
    out.push({ user, token: await h.authorize(manager, client, user) });
  }
  return out;
}

/** A store without the refresh lock: single-flight alone must keep one refresh per expiry in one process. */
function withoutLock(store: TokenStore): TokenStore {
  return {
    findToken: (token) => store.findToken(token),
    saveToken: (token) => store.saveToken(token),
    deleteToken: (id) => store.deleteToken(id),
    getTokens: () => store.getTokens(),
    deleteTokens: () => store.deleteTokens(),
    findTokenById: (id) => store.findTokenById(id),
  };
}

describe('one refresh per expiry', () => {
  test('100 concurrent calls for one expired token send exactly 1 refresh request', async () => {
    const manager = h.manager();
    const [ada] = await authorizeUsers(manager, 1);
    const refreshToken = String(ada?.token.refreshToken);
    h.emulator.clock.advance(HOUR);
    const before = h.emulator.stats.refreshRequests(refreshToken);

    const tokens = await Promise.all(Array.from({ length: 100 }, () => manager.accessToken({ user: String(ada?.user.email) })));
    assert.equal(h.emulator.stats.refreshRequests(refreshToken) - before, 1);
    assert.equal(new Set(tokens).size, 1, 'every caller got the same new token');
    assert.notEqual(tokens[0], ada?.token.accessToken);
    assert.equal((await manager.store.findTokenById(String(ada?.token.id)))?.accessToken, tokens[0]);
  });

  test('the same without a store lock: single-flight alone still sends 1 request', async () => {
    const store = new MemoryStore();
    const manager = h.manager({ store: withoutLock(store) });
    const [ada] = await authorizeUsers(manager, 1);
    h.emulator.clock.advance(HOUR);
    const before = h.emulator.stats.refreshRequests();
    const calls = Array.from({ length: 100 }, (_, i) =>
      i % 2 === 0 ? manager.accessToken({ user: String(ada?.user.email) }) : manager.accessToken({ id: String(ada?.token.id) }),
    );
    assert.equal(new Set(await Promise.all(calls)).size, 1);
    assert.equal(h.emulator.stats.refreshRequests() - before, 1);
    await store.close();
  });

  test('50 users × 20 concurrent calls send exactly 50 refresh requests, one per user, and trip no limit', async () => {
    const manager = h.manager();
    const users = await authorizeUsers(manager, 50);
    h.emulator.clock.advance(HOUR);
    const before = h.emulator.stats.refreshRequests();
    const throttledBefore = h.emulator.stats.throttled();

    const calls = users.flatMap(({ user }) =>
      Array.from({ length: 20 }, () => manager.accessToken({ user: user.email }).then((token) => ({ user, token }))),
    );
    const results = await Promise.all(calls);
    assert.equal(h.emulator.stats.refreshRequests() - before, 50);
    for (const { token } of users) assert.equal(h.emulator.stats.refreshRequests(String(token.refreshToken)), 1, 'one refresh per user');
    assert.equal(h.emulator.stats.throttled(), throttledBefore, 'no throttle answer');
    for (const { token } of users)
      assert.ok(h.emulator.stats.accessTokensIssued(String(token.refreshToken)) <= h.emulator.limits.accessTokensPerRefreshWindow);

    // Every user's 20 callers got one token, and no two users got the same one.
    const byUser = new Map<string, Set<string>>();
    for (const { user, token } of results) byUser.set(user.email, (byUser.get(user.email) ?? new Set()).add(token));
    const all = new Set<string>();
    for (const [, set] of byUser) {
      assert.equal(set.size, 1);
      all.add([...set][0] as string);
    }
    assert.equal(all.size, 50);
  });

  test("interleaved API calls for different users never carry each other's token", async () => {
    const manager = h.manager();
    const users = await authorizeUsers(manager, 10);
    h.emulator.clock.advance(HOUR); // half the calls refresh, half are served from the cache afterwards
    const calls = Array.from({ length: 100 }, async (_, i) => {
      const { user } = users[(i * 7) % users.length] as { user: EmulatorUser };
      const response = await manager.fetch({ user: user.email }, '/crm/v8/users?type=CurrentUser');
      assert.equal(response.status, 200);
      const body = (await response.json()) as { users: Array<{ email: string }> };
      return { asked: user.email, got: body.users[0]?.email };
    });
    for (const { asked, got } of await Promise.all(calls)) assert.equal(got, asked);
  });

  test('two managers sharing a store (two processes) refresh once between them, through the store lock', async () => {
    const store = new MemoryStore();
    const first = h.manager({ store });
    const second = h.manager({ store });
    const [ada] = await authorizeUsers(first, 1);
    h.emulator.clock.advance(HOUR);
    const before = h.emulator.stats.refreshRequests();
    const email = String(ada?.user.email);
    const tokens = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? first : second).accessToken({ user: email })));
    assert.equal(h.emulator.stats.refreshRequests() - before, 1);
    assert.equal(new Set(tokens).size, 1);
    await store.close();
  });

  test('a lock that is not granted in time ends in a re-read, never in a refresh without the lock', async () => {
    const store = new MemoryStore();
    const manager = h.manager({ store, refreshLock: { waitMs: 50 } });
    const [ada] = await authorizeUsers(manager, 1);
    const id = String(ada?.token.id);
    h.emulator.clock.advance(HOUR);

    // Another "process" holds the lock and stores a token it refreshed meanwhile: the manager re-reads and serves it.
    const lease = await store.acquireRefreshLock(id, { waitMs: 0, leaseMs: 10_000 });
    assert.ok(lease);
    const fresh = new OAuthToken({ id, accessToken: ada?.token.accessToken, expiresAt: h.emulator.clock.now() + HOUR });
    const before = h.emulator.stats.refreshRequests();
    const pending = manager.accessToken({ id });
    await store.saveToken(fresh);
    assert.equal(await pending, ada?.token.accessToken);
    assert.equal(h.emulator.stats.refreshRequests() - before, 0);

    // Still held and nothing stored: after the wait the manager says another caller is refreshing, and sends nothing.
    h.emulator.clock.advance(HOUR);
    await assert.rejects(manager.accessToken({ id }), { code: 'REFRESH_IN_PROGRESS' });
    assert.equal(h.emulator.stats.refreshRequests() - before, 0);
    await lease?.release();
    const renewed = await manager.accessToken({ id });
    assert.notEqual(renewed, ada?.token.accessToken);
    assert.equal(h.emulator.stats.refreshRequests() - before, 1);
    await store.close();
  });
});
