import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MemoryStore, type OAuthToken, type TokenManager } from 'zoho-token-store';
import { AccountsClient } from 'zoho-token-store/accounts';
import type { EmulatorClient, EmulatorUser } from 'zoho-token-store/testing';
import { LifecycleHarness } from './_harness.js';

// One active access token per refresh token: a new one evicts the previous, so a cached token can be made invalid
// at will (Zoho keeps 10 to 30; the mechanism is the same).
let h: LifecycleHarness;
before(async () => {
  h = await LifecycleHarness.start({ limits: { activeAccessTokensPerRefresh: 1 } });
});
after(async () => {
  await h.close();
  h.assertNoSecretLeaked();
});

interface Authorized {
  manager: TokenManager;
  client: EmulatorClient;
  user: EmulatorUser;
  token: OAuthToken;
}

async function authorized(manager = h.manager({ store: new MemoryStore() })): Promise<Authorized> {
  const client = h.client();
  const user = h.user();
  return { manager, client, user, token: await h.authorize(manager, client, user) };
}

/** Another party (not the manager) gets a new access token with the same refresh token, evicting the manager's. */
async function evict({ client, token }: Pick<Authorized, 'client' | 'token'>): Promise<void> {
  const accounts = new AccountsClient({ fetch: h.fetch });
  const grant = await accounts.refresh({
    accountsUrl: h.emulator.accountsUrl('us'),
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    refreshToken: String(token.refreshToken),
  });
  h.secrets.add(grant.accessToken);
}

const counters = () => ({
  refresh: h.emulator.stats.refreshRequests(),
  api: h.emulator.stats.apiRequests(),
  invalid: h.emulator.stats.invalidTokenResponses(),
});

describe('authenticated fetch', () => {
  test("sets the header, resolves the path against the token's api_domain, passes method and body through", async () => {
    const { manager, user } = await authorized();
    const response = await manager.fetch({ user: user.email }, '/crm/v8/Leads', { method: 'POST', body: JSON.stringify({ data: [] }) });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { data: [], method: 'POST', path: '/crm/v8/Leads' });
    const crm = manager.fetchFor({ user: user.email });
    const absolute = await crm(`${h.emulator.apiDomain('us')}/crm/v8/Contacts`);
    assert.equal(absolute.status, 200);
  });

  test('401 INVALID_TOKEN from a CRM path: one refresh, one retry, success', async () => {
    const subject = await authorized();
    await evict(subject);
    const before = counters();
    const response = await subject.manager.fetch({ user: subject.user.email }, '/crm/v8/Deals');
    assert.equal(response.status, 200);
    const now = counters();
    assert.equal(now.refresh - before.refresh, 1, 'one refresh');
    assert.equal(now.api - before.api, 2, 'the call and one retry');
    assert.equal(now.invalid - before.invalid, 1);
    const stored = await subject.manager.store.findTokenById(String(subject.token.id));
    assert.notEqual(stored?.accessToken, subject.token.accessToken, 'the renewed token was saved');
    assert.ok(h.events.some((e) => e.name === 'refreshed' && (e.payload as { reason: string }).reason === 'rejected'));
  });

  test('an access token invalidated at Zoho before its expiry (password change): one refresh, one retry, success', async () => {
    const subject = await authorized();
    const stored = await subject.manager.store.findTokenById(String(subject.token.id));
    h.emulator.invalidateAccessToken(String(stored?.accessToken));
    const before = counters();
    const response = await subject.manager.fetch({ user: subject.user.email }, '/crm/v8/Contacts');
    assert.equal(response.status, 200);
    const now = counters();
    assert.equal(now.refresh - before.refresh, 1, 'one refresh');
    assert.equal(now.api - before.api, 2, 'the call and one retry');
    assert.equal(now.invalid - before.invalid, 1, 'the invalidated token was refused once');
    const renewed = await subject.manager.store.findTokenById(String(subject.token.id));
    assert.notEqual(renewed?.accessToken, stored?.accessToken, 'the renewed token was saved');
    assert.equal(renewed?.refreshToken, stored?.refreshToken, 'the refresh token was not touched');
  });

  test('20 concurrent calls refused at once still cost one refresh', async () => {
    const subject = await authorized();
    await evict(subject);
    const before = counters();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => subject.manager.fetch({ id: String(subject.token.id) }, '/crm/v8/Leads')),
    );
    assert.ok(responses.every((response) => response.status === 200));
    assert.equal(counters().refresh - before.refresh, 1);
  });

  test('a token another process replaced: the cache entry is dropped and the store re-read, no refresh', async () => {
    const store = new MemoryStore();
    const first = h.manager({ store });
    const second = h.manager({ store });
    const subject = await authorized(first);
    const email = subject.user.email;
    assert.equal(await first.accessToken({ user: email }), subject.token.accessToken); // cached in `first`

    // `second` is told the token is bad, refreshes it and stores the new one (which evicts the old at Zoho).
    second.reportInvalidToken(String(subject.token.accessToken));
    const replaced = await second.accessToken({ user: email });
    assert.notEqual(replaced, subject.token.accessToken);

    const before = counters();
    const response = await first.fetch({ user: email }, '/crm/v8/Leads');
    assert.equal(response.status, 200);
    assert.equal(counters().refresh - before.refresh, 0, 'served the token the other process stored');
    assert.equal(await first.accessToken({ user: email }), replaced);
  });

  test('refused again after the refresh: API_UNAUTHORIZED', async () => {
    let subject: Authorized | null = null;
    // The transport lets another party evict the token just before every API request reaches Zoho.
    const evictingFetch: typeof fetch = async (input, init) => {
      if (subject && String(input instanceof Request ? input.url : input).includes('/crm/v8/Leads')) await evict(subject);
      return h.fetch(input, init);
    };
    subject = await authorized(h.manager({ store: new MemoryStore(), fetch: evictingFetch }));
    const before = counters();
    const error = await h.rejects(subject.manager.fetch({ user: subject.user.email }, '/crm/v8/Leads'), 'API_UNAUTHORIZED');
    assert.match(error.message, new RegExp(`token ${String(subject.token.id)} again after a refresh`));
    assert.equal(counters().invalid - before.invalid, 2);
  });

  test('other 401s (scope mismatch) are returned as they are, without a refresh', async () => {
    const manager = h.manager({ store: new MemoryStore() });
    const client = h.client();
    const user = h.user();
    const code = h.emulator.issueGrantCode({ client, user, scope: ['ZohoBooks.fullaccess.all'] });
    h.secrets.add(code);
    h.remember(
      await manager.exchangeGrant({
        code,
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        redirectUri: client.redirectUri,
        userName: user.email,
      }),
    );
    const before = counters();
    const response = await manager.fetch({ user: user.email }, '/crm/v8/Leads');
    assert.equal(response.status, 401);
    assert.equal(((await response.json()) as { code: string }).code, 'OAUTH_SCOPE_MISMATCH');
    assert.equal(counters().refresh - before.refresh, 0);
  });

  test('the token is never sent to another host', async () => {
    const { manager, user } = await authorized();
    const before = counters();
    await h.rejects(manager.fetch({ user: user.email }, 'https://attacker.example.com/crm/v8/Leads'), 'INVALID_ARGUMENT');
    await h.rejects(manager.fetch({ user: user.email }, `${h.emulator.apiDomain('eu')}/crm/v8/Leads`), 'INVALID_ARGUMENT');
    assert.equal(counters().api - before.api, 0);
  });
});
