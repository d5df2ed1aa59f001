import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { MemoryStore, type OAuthToken, type TokenManager } from 'zoho-token-store';
import { AccountsClient } from 'zoho-token-store/accounts';
import type { EmulatorUser } from 'zoho-token-store/testing';
import { LifecycleHarness } from './_harness.js';

let h: LifecycleHarness;
before(async () => {
  h = await LifecycleHarness.start();
});
afterEach(() => h.emulator.faults.clear());
after(async () => {
  await h.close();
  h.assertNoSecretLeaked();
});

const HOUR = 3_600_000;

/**
 * A user authorized into a new store, and a manager on it. With `options` (a retry policy under test), the manager
 * is another one than the authorizing one: the grant exchange is not what those tests are about, and a short
 * timeout on it would make them depend on the machine's speed.
 */
async function authorized(
  options: Parameters<LifecycleHarness['manager']>[0] = {},
): Promise<{ manager: TokenManager; user: EmulatorUser; token: OAuthToken }> {
  const store = new MemoryStore();
  const authorizing = h.manager({ store });
  const client = h.client();
  const user = h.user();
  const token = await h.authorize(authorizing, client, user);
  const manager = Object.keys(options).length === 0 ? authorizing : h.manager({ store, ...options });
  return { manager, user, token };
}

function lastEvent(name: string): unknown {
  return [...h.events].reverse().find((event) => event.name === name)?.payload;
}

async function storedRow(manager: TokenManager, id: string | null): Promise<OAuthToken | null> {
  return manager.store.findTokenById(String(id));
}

describe('transient failures are retried, never taken for an invalid token', () => {
  test('5xx answers: retried with backoff, recovered, the token kept and renewed', async () => {
    const { manager, token } = await authorized();
    h.emulator.clock.advance(HOUR);
    h.emulator.faults.failNext(2, 503);
    const before = h.emulator.stats.refreshRequests(String(token.refreshToken));
    const renewed = await manager.accessToken({ id: String(token.id) });
    assert.equal(h.emulator.stats.refreshRequests(String(token.refreshToken)) - before, 3, 'two failed tries, then success');
    const row = await storedRow(manager, token.id);
    assert.equal(row?.accessToken, renewed);
    assert.equal(row?.refreshToken, token.refreshToken);
  });

  test('a dropped connection: retried and recovered', async () => {
    const { manager, token } = await authorized();
    h.emulator.clock.advance(HOUR);
    h.emulator.faults.dropNext(1);
    const renewed = await manager.accessToken({ id: String(token.id) });
    assert.notEqual(renewed, token.accessToken);
  });

  test('timeouts on every try: ACCOUNTS_UNAVAILABLE, the stored token untouched, and the next call recovers', async () => {
    // Each try times out after 1.5 s on an answer delayed 8 s, however slow the machine; the recovery has 1.5 s per try.
    const { manager, token } = await authorized({ retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 1_500 } });
    h.emulator.clock.advance(HOUR);
    const rowBefore = await storedRow(manager, token.id);
    h.emulator.faults.delay(8_000);
    const error = await h.rejects(manager.accessToken({ id: String(token.id) }), 'ACCOUNTS_UNAVAILABLE');
    assert.match(error.message, /after 2 tries \(last: timeout\)/);
    assert.deepEqual((await storedRow(manager, token.id))?.toRecord('x'), rowBefore?.toRecord('x'));
    h.emulator.faults.delay(0);
    assert.notEqual(await manager.accessToken({ id: String(token.id) }), token.accessToken);
  });

  test('accounts down while the token still has its margin left: the current token is served (grace)', async () => {
    const { manager, token } = await authorized({ retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 } });
    h.emulator.clock.advance(HOUR - 30_000); // inside the 60 s margin, not expired
    h.emulator.faults.failNext(2, 500);
    assert.equal(await manager.accessToken({ id: String(token.id) }), token.accessToken);
    assert.ok(
      h.events.some((event) => event.name === 'refreshFailed' && (event.payload as { code: string }).code === 'ACCOUNTS_UNAVAILABLE'),
    );
    const response = await manager.fetch({ id: String(token.id) }, '/crm/v8/Leads');
    assert.equal(response.status, 200);
  });
});

describe('refusals map to typed errors', () => {
  test('invalid_code on refresh: REAUTHORIZATION_REQUIRED, the row kept, no further request until the user authorizes again', async () => {
    const { manager, user, token } = await authorized();
    const rowBefore = await storedRow(manager, token.id);
    h.emulator.clock.advance(HOUR);
    h.emulator.faults.invalidCodeNext(1);
    const before = h.emulator.stats.refreshRequests();
    const error = await h.rejects(manager.accessToken({ user: user.email }), 'REAUTHORIZATION_REQUIRED');
    assert.match(error.message, /authorize the app again/);
    assert.deepEqual((await storedRow(manager, token.id))?.toRecord('x'), rowBefore?.toRecord('x'), 'nothing stored is lost');

    await h.rejects(manager.accessToken({ user: user.email }), 'REAUTHORIZATION_REQUIRED');
    assert.equal(h.emulator.stats.refreshRequests() - before, 1, 'the refused refresh token is not sent again');

    // The user authorizes again: the same row gets the new tokens and works.
    const client = h.client();
    const again = await h.authorize(manager, client, user);
    assert.equal(again.id, token.id);
    assert.equal(await manager.accessToken({ user: user.email }), again.accessToken);
  });

  test('a revoked refresh token (the user removed the app) is REAUTHORIZATION_REQUIRED too', async () => {
    const { manager, token } = await authorized();
    h.emulator.revokeRefreshToken(String(token.refreshToken));
    h.emulator.clock.advance(HOUR);
    await h.rejects(manager.accessToken({ id: String(token.id) }), 'REAUTHORIZATION_REQUIRED');
  });

  test('invalid_code on a grant exchange: REAUTHORIZATION_REQUIRED, nothing saved', async () => {
    const manager = h.manager({ store: new MemoryStore() });
    const client = h.client();
    const user = h.user();
    const code = h.grantCode(client, user);
    const exchange = { code, clientId: client.clientId, clientSecret: client.clientSecret, redirectUri: client.redirectUri };
    await manager.exchangeGrant(exchange).then((token) => h.remember(token));
    const error = await h.rejects(manager.exchangeGrant(exchange), 'REAUTHORIZATION_REQUIRED');
    assert.match(error.message, /grant code.*authorize the app again/);
    assert.equal((await manager.store.getTokens()).length, 1);
  });

  test('the throttle body: THROTTLED with retry advice; no request until it passes, then recovery', async () => {
    const { manager, token } = await authorized();
    h.emulator.clock.advance(HOUR);
    h.emulator.faults.throttleNext(1);
    const before = h.emulator.stats.refreshRequests();
    const error = await h.rejects(manager.accessToken({ id: String(token.id) }), 'THROTTLED');
    assert.ok(typeof error.retryAfterMs === 'number' && error.retryAfterMs > 0, 'retryAfterMs is set');
    assert.match(error.message, /try again in \d+ s/);

    const again = await h.rejects(manager.accessToken({ id: String(token.id) }), 'THROTTLED');
    assert.ok(Number(again.retryAfterMs) <= Number(error.retryAfterMs));
    assert.equal(h.emulator.stats.refreshRequests() - before, 1, 'no request while throttled');

    h.emulator.clock.advance(Number(error.retryAfterMs));
    assert.notEqual(await manager.accessToken({ id: String(token.id) }), token.accessToken);
  });

  test('wrong data center and wrong secret: INVALID_CLIENT and INVALID_CLIENT_SECRET', async () => {
    const accounts = new AccountsClient({ fetch: h.fetch, logger: h.logger, retry: { attempts: 1 } });
    const client = h.client();
    const user = h.user({ dataCenter: 'us' });
    const base = { clientId: client.clientId, clientSecret: client.clientSecret, redirectUri: client.redirectUri };
    await h.rejects(
      accounts.exchangeGrant({ ...base, accountsUrl: h.emulator.accountsUrl('eu'), code: h.grantCode(client, user) }),
      'INVALID_CLIENT',
    );
    await h.rejects(
      accounts.exchangeGrant({
        ...base,
        clientSecret: 'a-wrong-client-secret',
        accountsUrl: h.emulator.accountsUrl('us'),
        code: h.grantCode(client, user),
      }),
      'INVALID_CLIENT_SECRET',
    );
  });

  test('the accounts client on its own: exchange, refresh, current user, revoke (true, then false)', async () => {
    const accounts = new AccountsClient({ fetch: h.fetch, clock: h.emulator.clock });
    const client = h.client();
    const user = h.user();
    const accountsUrl = h.emulator.accountsUrl('us');
    const credentials = { clientId: client.clientId, clientSecret: client.clientSecret };
    const grant = await accounts.exchangeGrant({
      ...credentials,
      accountsUrl,
      code: h.grantCode(client, user),
      redirectUri: client.redirectUri,
    });
    assert.ok(grant.refreshToken);
    assert.equal(grant.apiDomain, h.emulator.apiDomain('us'));
    const refreshed = await accounts.refresh({ ...credentials, accountsUrl, refreshToken: String(grant.refreshToken) });
    assert.equal(refreshed.refreshToken, null, 'Zoho does not rotate');
    const me = await accounts.currentUser({ apiDomain: String(grant.apiDomain), accessToken: refreshed.accessToken });
    assert.equal(me.email, user.email);
    const revokesBefore = h.emulator.stats.revokes();
    assert.equal(await accounts.revoke({ accountsUrl, refreshToken: String(grant.refreshToken) }), true);
    assert.equal(await accounts.revoke({ accountsUrl, refreshToken: String(grant.refreshToken) }), false);
    assert.equal(h.emulator.stats.revokes() - revokesBefore, 2);
    await h.rejects(accounts.currentUser({ apiDomain: String(grant.apiDomain), accessToken: refreshed.accessToken }), 'API_UNAUTHORIZED');
  });
});

describe('revoke', () => {
  test('revokes remotely, deletes locally, forgets the cache; the old access token stops working', async () => {
    const { manager, user, token } = await authorized();
    const before = h.emulator.stats.revokes();
    await manager.revoke({ user: user.email });
    assert.equal(h.emulator.stats.revokes() - before, 1);
    assert.equal(await storedRow(manager, token.id), null);
    await h.rejects(manager.accessToken({ user: user.email }), 'TOKEN_NOT_FOUND');
    const response = await fetch(`${h.emulator.apiDomain('us')}/crm/v8/Leads`, {
      headers: { Authorization: `Zoho-oauthtoken ${token.accessToken}` },
    });
    assert.equal(response.status, 401);
    const event = lastEvent('revoked') as { tokenId: string; remote: boolean };
    assert.deepEqual({ ...event }, { tokenId: token.id, userName: user.email, remote: true });
  });

  test('accounts unreachable: ACCOUNTS_UNAVAILABLE and the token stays stored; a token the server no longer knows is deleted', async () => {
    const { manager, token } = await authorized({ retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 } });
    h.emulator.faults.failNext(2, 502);
    await h.rejects(manager.revoke({ id: String(token.id) }), 'ACCOUNTS_UNAVAILABLE');
    assert.ok(await storedRow(manager, token.id));
    h.emulator.revokeRefreshToken(String(token.refreshToken));
    await manager.revoke({ id: String(token.id) });
    assert.equal(await storedRow(manager, token.id), null);
    assert.equal((lastEvent('revoked') as { remote: boolean }).remote, false);
  });
});
