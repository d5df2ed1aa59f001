import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MemoryStore, OAuthToken, TokenManager } from 'zoho-token-store';
import { LifecycleHarness, clientToken } from './_harness.js';

let h: LifecycleHarness;
before(async () => {
  h = await LifecycleHarness.start();
});
after(async () => {
  await h.close();
  h.assertNoSecretLeaked();
});

/** The CRM user an access token belongs to, asked of the emulator's API. */
async function crmUserOf(apiDomain: string, accessToken: string): Promise<string> {
  const response = await fetch(`${apiDomain}/crm/v8/users?type=CurrentUser`, {
    headers: { Authorization: `Zoho-oauthtoken ${accessToken}` },
  });
  assert.equal(response.status, 200);
  const body = (await response.json()) as { users: Array<{ email: string }> };
  return body.users[0]?.email ?? '';
}

describe('flows', () => {
  test('grant: a configured grant token is exchanged on first use, named by the CRM user and saved', async () => {
    const client = h.client();
    const user = h.user();
    const store = new MemoryStore();
    const manager = h.manager({ store, tokens: clientToken(client, { grantToken: h.grantCode(client, user) }) });
    const exchangesBefore = h.emulator.stats.codeExchanges();

    const access = await manager.accessToken();
    assert.equal(h.emulator.stats.codeExchanges() - exchangesBefore, 1);
    const [saved, ...others] = await store.getTokens();
    assert.equal(others.length, 0);
    assert.equal(saved?.userName, user.email);
    assert.equal(saved?.accessToken, access);
    assert.ok(saved?.refreshToken, 'the refresh token from the exchange is saved');
    assert.equal(saved?.apiDomain, h.emulator.apiDomain('us'));
    assert.equal(await crmUserOf(h.emulator.apiDomain('us'), access), user.email);

    // The next calls are served without another exchange, by user name as well.
    assert.equal(await manager.accessToken(), access);
    assert.equal(await manager.accessToken({ user: user.email }), access);
    assert.equal(h.emulator.stats.codeExchanges() - exchangesBefore, 1);
    await store.close();
  });

  test('restart: a manager configured with an already exchanged grant token finds the stored token, exchanges nothing', async () => {
    const client = h.client();
    const user = h.user();
    const store = new MemoryStore();
    const configured = clientToken(client, { grantToken: h.grantCode(client, user) });
    const access = await h.manager({ store, tokens: configured }).accessToken();
    const exchangesBefore = h.emulator.stats.codeExchanges();
    const restarted = h.manager({ store, tokens: configured });
    assert.equal(await restarted.accessToken(), access);
    assert.equal(h.emulator.stats.codeExchanges(), exchangesBefore);
    await store.close();
  });

  test('two processes configured with the same new grant code: one exchange (under the store lock), both serve its token', async () => {
    const client = h.client();
    const user = h.user();
    const store = new MemoryStore();
    const configured = clientToken(client, { grantToken: h.grantCode(client, user) });
    const exchangesBefore = h.emulator.stats.codeExchanges();
    const [first, second] = await Promise.all([
      h.manager({ store, tokens: configured }).accessToken(),
      h.manager({ store, tokens: configured }).accessToken(),
    ]);
    assert.equal(first, second);
    assert.equal(h.emulator.stats.codeExchanges() - exchangesBefore, 1, 'the second waits for the lock and finds the saved token');
    assert.equal((await store.getTokens()).length, 1);
    await store.close();
  });

  test('refresh: a stored token with only a refresh token gets an access token, saved in the same row', async () => {
    const client = h.client();
    const user = h.user();
    const seed = h.manager();
    const authorized = await h.authorize(seed, client, user);
    const store = new MemoryStore();
    await store.saveToken(clientToken(client, { userSignature: user.email, refreshToken: authorized.refreshToken }));
    const manager = h.manager({ store });
    const refreshesBefore = h.emulator.stats.refreshRequests(String(authorized.refreshToken));

    const access = await manager.accessToken({ user: user.email });
    assert.equal(h.emulator.stats.refreshRequests(String(authorized.refreshToken)) - refreshesBefore, 1);
    const tokens = await store.getTokens();
    assert.equal(tokens.length, 1);
    assert.equal(tokens[0]?.accessToken, access);
    assert.equal(tokens[0]?.refreshToken, authorized.refreshToken);
    assert.ok(Number(tokens[0]?.expiresAt) > h.emulator.clock.now() + 3_000_000, 'expiry saved, about an hour ahead');
    assert.equal(await crmUserOf(h.emulator.apiDomain('us'), access), user.email);
  });

  test('access-only: a configured access token is served as it is, saved, and never refreshed', async () => {
    const client = h.client();
    const user = h.user();
    const authorized = await h.authorize(h.manager(), client, user);
    const store = new MemoryStore();
    const manager = h.manager({ store, tokens: new OAuthToken({ userSignature: user.email, accessToken: authorized.accessToken }) });
    const refreshesBefore = h.emulator.stats.refreshRequests();

    assert.equal(await manager.accessToken(), authorized.accessToken);
    assert.equal(await manager.accessToken({ user: user.email }), authorized.accessToken);
    assert.equal(h.emulator.stats.refreshRequests(), refreshesBefore);
    const tokens = await store.getTokens();
    assert.equal(tokens.length, 1);
    assert.equal(tokens[0]?.accessToken, authorized.accessToken);

    // Once Zoho refuses it, there is nothing to renew it with: the user must authorize again.
    h.emulator.revokeRefreshToken(String(authorized.refreshToken));
    await h.rejects(manager.fetch({ user: user.email }, '/crm/v8/Leads'), 'REAUTHORIZATION_REQUIRED');
  });

  test('by id and by user name: the same stored token, renewed at expiry and saved', async () => {
    const client = h.client();
    const user = h.user();
    const manager = h.manager();
    const authorized = await h.authorize(manager, client, user);
    const id = String(authorized.id);

    assert.equal(await manager.accessToken({ id }), authorized.accessToken);
    assert.equal(await manager.accessToken({ user: user.email }), authorized.accessToken);
    assert.equal(await manager.accessToken({ token: new OAuthToken({ userSignature: user.email }) }), authorized.accessToken);

    h.emulator.clock.advance(3_600_000);
    const renewed = await manager.accessToken({ id });
    assert.notEqual(renewed, authorized.accessToken);
    assert.equal(await manager.accessToken({ user: user.email }), renewed);
    const stored = await manager.store.findTokenById(id);
    assert.equal(stored?.accessToken, renewed);
    assert.equal(stored?.userName, user.email);
    assert.equal(await crmUserOf(h.emulator.apiDomain('us'), renewed), user.email);
  });

  test('a token whose refresh token the store holds: found by the matching rule (refresh token + client)', async () => {
    const client = h.client();
    const user = h.user();
    const manager = h.manager();
    const authorized = await h.authorize(manager, client, user);
    const byRefresh = clientToken(client, { refreshToken: authorized.refreshToken });
    assert.equal(await manager.accessToken({ token: byRefresh }), authorized.accessToken);
    assert.equal((await manager.store.getTokens()).length, 1, 'no second row');
  });

  test('legacy expires_in_sec responses give the same one-hour expiry', async () => {
    const client = h.client();
    const user = h.user();
    const manager = h.manager();
    h.emulator.faults.legacyExpiresFormat(true);
    try {
      const before = h.emulator.clock.now();
      const token = await h.authorize(manager, client, user);
      const lifetime = Number(token.expiresAt) - before;
      assert.ok(lifetime >= 3_600_000 && lifetime < 3_605_000, `lifetime ${lifetime} ms`);
    } finally {
      h.emulator.faults.legacyExpiresFormat(false);
    }
  });

  test("data centers: a user of another DC is exchanged and refreshed at that DC's accounts server", async () => {
    const client = h.client({ dataCenter: 'us' });
    const user = h.user({ dataCenter: 'eu' });
    const manager = h.manager();
    // The authorize endpoint of US redirects an EU user with location=eu and the EU accounts server.
    const authorize = new URL(`${h.emulator.accountsUrl('us')}/oauth/v2/auth`);
    authorize.search = new URLSearchParams({
      scope: 'ZohoCRM.modules.ALL,ZohoCRM.users.READ',
      client_id: client.clientId,
      response_type: 'code',
      access_type: 'offline',
      prompt: 'consent',
      redirect_uri: client.redirectUri,
      login_hint: user.email,
    }).toString();
    const redirect = await fetch(authorize, { redirect: 'manual' });
    assert.equal(redirect.status, 302);
    const { parseAuthorizationRedirect } = await import('zoho-token-store');
    const back = parseAuthorizationRedirect(String(redirect.headers.get('location')));
    h.secrets.add(back.code);
    assert.equal(back.location, 'eu');
    const token = await manager.exchangeGrant({
      code: back.code,
      accountsServer: back.accountsServer,
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      redirectUri: client.redirectUri,
    });
    h.remember(token);
    assert.equal(token.apiDomain, h.emulator.apiDomain('eu'));

    h.emulator.clock.advance(3_600_000);
    const renewed = await manager.accessToken({ user: user.email });
    assert.notEqual(renewed, token.accessToken);
    assert.equal(await crmUserOf(h.emulator.apiDomain('eu'), renewed), user.email);
    const response = await manager.fetch({ user: user.email }, '/crm/v8/Leads');
    assert.equal(response.status, 200);
  });

  test('refresh margin: 30 s before expiry the default 60 s margin refreshes, a 5 s margin does not', async () => {
    const client = h.client();
    const user = h.user();
    const seed = h.manager();
    const token = await h.authorize(seed, client, user);
    const store = new MemoryStore();
    await store.saveToken(token.clone());
    h.emulator.clock.set(Number(token.expiresAt) - 30_000);
    const narrow = h.manager({ store, refreshMarginMs: 5_000 });
    assert.equal(await narrow.accessToken({ user: user.email }), token.accessToken);
    const standard = h.manager({ store });
    const renewed = await standard.accessToken({ user: user.email });
    assert.notEqual(renewed, token.accessToken);
    assert.equal((await store.findTokenById(String(token.id)))?.accessToken, renewed);
    await store.close();
  });

  test('cache: served without a store read until cacheMaxAgeMs, then re-read (a token deleted elsewhere is noticed)', async () => {
    const client = h.client();
    const user = h.user();
    const store = new MemoryStore();
    const manager = h.manager({ store, cacheMaxAgeMs: 10_000 });
    const token = await h.authorize(manager, client, user);
    await store.deleteToken(String(token.id)); // another process deletes it
    assert.equal(await manager.accessToken({ user: user.email }), token.accessToken, 'still cached');
    h.emulator.clock.advance(10_001);
    await h.rejects(manager.accessToken({ user: user.email }), 'TOKEN_NOT_FOUND');
    await store.close();
  });

  test('unknown users and ids are TOKEN_NOT_FOUND; bad selectors are INVALID_ARGUMENT', async () => {
    const manager = h.manager();
    await h.rejects(manager.accessToken({ user: 'nobody@example.com' }), 'TOKEN_NOT_FOUND');
    await h.rejects(manager.accessToken({ id: '424242' }), 'TOKEN_NOT_FOUND');
    await h.rejects(manager.accessToken(), 'INVALID_ARGUMENT');
    await h.rejects(manager.accessToken({ user: '' }), 'INVALID_ARGUMENT');
    await h.rejects(manager.accessToken({ user: 'a', id: '1' } as never), 'INVALID_ARGUMENT');
  });

  test('invalid options are INVALID_CONFIG; close() is idempotent and later calls are STORE_CLOSED', async () => {
    assert.throws(() => new TokenManager({ refreshMarginMs: -1 }), { code: 'INVALID_CONFIG' });
    assert.throws(() => new TokenManager({ store: {} as never }), { code: 'INVALID_CONFIG' });
    const manager = h.manager();
    await manager.close();
    await manager.close();
    await h.rejects(manager.accessToken({ user: 'x@example.com' }), 'STORE_CLOSED');
  });
});
