// TokenManager against a real standard OAuth 2.0 server (oidc-provider) with refresh-token rotation, its own endpoint
// paths and client_secret_basic: 100 concurrent callers × 5 expiries cost exactly 5 refreshes, every rotated refresh
// token is saved, a reused old one is refused by the server, and API calls carry a Bearer token.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { customEnvironment, levelLogger, MemoryStore, OAuthToken, openStore, TokenManager, type Environment } from 'zoho-token-store';
import { AccountsClient, oauthServerOf } from 'zoho-token-store/accounts';
import { go, startGoWorker } from '../_go-workers.js';
import { LeakCheck } from '../hygiene/_leak-check.js';
import { startOidcServer, type OidcServer } from './_oidc-server.js';

const HOUR = 3_600_000;
let server: OidcServer;
let environment: Environment;
let now = Date.now();
const clock = { now: () => now };

before(async () => {
  server = await startOidcServer();
  environment = customEnvironment({
    accountsUrl: server.issuer,
    apiDomain: server.apiUrl,
    tokenEndpoint: '/connect/token',
    revocationEndpoint: '/connect/revoke',
    clientAuthentication: 'client_secret_basic',
  });
});
// Every log line (debug level), event and error of the in-process managers, checked at the end for secrets.
const leaks = new LeakCheck();
const stores: MemoryStore[] = [];
after(async () => {
  for (const store of stores) for (const token of await store.getTokens()) leaks.secret(token.accessToken, token.refreshToken);
  leaks.secret(server.clientSecret);
  await server.close();
  leaks.assertClean(3);
});

const newManager = () => {
  const store = new MemoryStore();
  stores.push(store);
  const manager = new TokenManager({
    environment,
    store,
    clock,
    client: { clientId: server.clientId, clientSecret: server.clientSecret, redirectUri: server.redirectUri },
    logger: levelLogger('debug', (entry) => leaks.text(`log ${entry.level}`, `${entry.message} ${JSON.stringify(entry.fields)}`)),
  });
  for (const name of ['refreshed', 'refreshFailed', 'revoked', 'saved'] as const)
    manager.on(name, (payload) => leaks.object(`event ${name}`, payload));
  return manager;
};

test('100 concurrent callers × 5 expiries: exactly 5 refreshes, rotated tokens saved, an old one refused', {
  timeout: 120_000,
}, async () => {
  const manager = newManager();
  const token = await manager.exchangeGrant({ code: await server.authorizationCode('ada'), userName: 'ada@example.com' });
  assert.ok(token.refreshToken && token.accessToken, 'the exchange went through basic authentication at /connect/token');
  const start = { ...server.counts };
  const refreshTokens = [token.refreshToken];

  for (let round = 1; round <= 5; round += 1) {
    now += 2 * HOUR; // the access token is past its expiry for the manager
    const responses = await Promise.all(Array.from({ length: 100 }, () => manager.fetch({ user: 'ada@example.com' }, '/crm/v8/Leads')));
    assert.deepEqual([...new Set(responses.map((response) => response.status))], [200], `round ${round}: every call succeeds`);
    const stored = await manager.store.findToken(new OAuthToken({ userSignature: 'ada@example.com' }));
    assert.ok(stored?.refreshToken && !refreshTokens.includes(stored.refreshToken), `round ${round}: the rotated refresh token is stored`);
    refreshTokens.push(stored.refreshToken);
  }
  assert.equal(server.counts.refreshes - start.refreshes, 5, 'one refresh per expiry');
  assert.equal(server.counts.invalidGrants - start.invalidGrants, 0, 'no invalid_grant');

  // The last stored refresh token is still accepted: one more expiry renews through it.
  now += 2 * HOUR;
  assert.equal((await manager.fetch({ user: 'ada@example.com' }, '/crm/v8/Leads')).status, 200);
  assert.equal(server.counts.invalidGrants - start.invalidGrants, 0);

  // An old refresh token, rotated away, is refused by the server: invalid_grant, our REAUTHORIZATION_REQUIRED.
  const accounts = new AccountsClient();
  const reused = await accounts
    .refresh({
      accountsUrl: server.issuer,
      clientId: server.clientId,
      clientSecret: server.clientSecret,
      server: oauthServerOf(environment),
      refreshToken: String(refreshTokens[1]),
    })
    .then(
      () => null,
      (error: unknown) => error,
    );
  assert.equal((reused as { code?: string } | null)?.code, 'REAUTHORIZATION_REQUIRED');
  assert.equal((reused as { oauthError?: string }).oauthError, 'invalid_grant');
  leaks.error('reused refresh token', reused);
  leaks.secret(...refreshTokens);
  assert.equal(server.counts.invalidGrants - start.invalidGrants, 1);
});

test('API calls carry Bearer; the same token as Zoho-oauthtoken is refused by the API', async () => {
  const manager = newManager();
  await manager.exchangeGrant({ code: await server.authorizationCode('grace'), userName: 'grace@example.com' });
  const response = await manager.fetch({ user: 'grace@example.com' }, '/crm/v8/Leads');
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { data: [{ owner: 'grace' }] });
  const { accessToken } = await manager.credentials({ user: 'grace@example.com' });
  const zohoStyle = await fetch(`${server.apiUrl}/crm/v8/Leads`, { headers: { Authorization: `Zoho-oauthtoken ${accessToken}` } });
  assert.equal(zohoStyle.status, 401);
});

test('client_secret_basic: the credentials go in the Authorization header (RFC 6749 §2.3.1 encoding), not the body', async () => {
  const sent: Array<{ authorization: string | null; body: string }> = [];
  const recording: typeof fetch = async (input, init) => {
    sent.push({ authorization: new Headers(init?.headers).get('authorization'), body: String(init?.body) });
    return fetch(input, init);
  };
  const accounts = new AccountsClient({ fetch: recording });
  const grant = await accounts.exchangeGrant({
    accountsUrl: server.issuer,
    clientId: server.clientId,
    clientSecret: server.clientSecret,
    server: oauthServerOf(environment),
    code: await server.authorizationCode('alan'),
    redirectUri: server.redirectUri,
  });
  assert.ok(grant.refreshToken);
  const encoded = (text: string) => new URLSearchParams({ v: text }).toString().slice(2);
  assert.equal(
    sent[0]?.authorization,
    `Basic ${Buffer.from(`${encoded(server.clientId)}:${encoded(server.clientSecret)}`).toString('base64')}`,
  );
  assert.ok(encoded(server.clientSecret) !== server.clientSecret, 'the secret holds characters the encoding changes');
  assert.ok(!sent[0]?.body.includes('client_secret') && !sent[0]?.body.includes('client_id'), 'no credentials in the body');
});

test("revoke goes to the server's revocation endpoint (RFC 7009): the refresh token stops working", async () => {
  const manager = newManager();
  const token = await manager.exchangeGrant({ code: await server.authorizationCode('linus'), userName: 'linus@example.com' });
  await manager.revoke({ user: 'linus@example.com' });
  const accounts = new AccountsClient();
  await assert.rejects(
    accounts.refresh({
      accountsUrl: server.issuer,
      clientId: server.clientId,
      clientSecret: server.clientSecret,
      server: oauthServerOf(environment),
      refreshToken: String(token.refreshToken),
    }),
    { code: 'REAUTHORIZATION_REQUIRED' },
  );
});

test('3 processes sharing a SQLite file × 5 expiries × 100 callers each: exactly 5 refreshes, 0 invalid_grant', {
  timeout: 300_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oidc-rotation-'));
  try {
    const dbPath = join(dir, 'zohooauth.db');
    const client = { clientId: server.clientId, clientSecret: server.clientSecret, redirectUri: server.redirectUri };
    const store = await openStore(`sqlite:${dbPath}`);
    const manager = new TokenManager({ environment, store, clock, client });
    await manager.exchangeGrant({ code: await server.authorizationCode('edsger'), userName: 'edsger@example.com' });
    const first = (await store.findToken(new OAuthToken({ userSignature: 'edsger@example.com' })))?.refreshToken;
    await manager.close();
    await store.close();
    const start = { ...server.counts };

    for (let round = 1; round <= 5; round += 1) {
      now += 2 * HOUR;
      const job = { dbPath, issuer: server.issuer, apiUrl: server.apiUrl, client, user: 'edsger@example.com', callers: 100, now };
      const workers = [1, 2, 3].map(() => startGoWorker<{ statuses: number[] }>(resolve('dist/test/oauth-servers/_oidc-worker.js'), job));
      await Promise.all(workers.map((worker) => worker.ready));
      workers.forEach(go);
      const results = await Promise.all(workers.map((worker) => worker.done));
      for (const result of results)
        assert.deepEqual(
          result.result?.statuses,
          [200],
          `round ${round}: ${result.stderr
            .split('\n')
            .filter((line) => !/oidc-provider/.test(line))
            .join(' ')}`,
        );
      assert.equal(server.counts.refreshes - start.refreshes, round, `round ${round}: one refresh across the 3 processes`);
    }
    assert.equal(server.counts.invalidGrants - start.invalidGrants, 0, 'no invalid_grant');

    const reopened = await openStore(`sqlite:${dbPath}`);
    const last = (await reopened.findToken(new OAuthToken({ userSignature: 'edsger@example.com' })))?.refreshToken;
    await reopened.close();
    assert.ok(last && last !== first, 'the rotated refresh token is in the file');
    const accounts = new AccountsClient();
    const renewed = await accounts.refresh({
      ...client,
      accountsUrl: server.issuer,
      server: oauthServerOf(environment),
      refreshToken: last,
    });
    assert.ok(renewed.accessToken, 'the last stored refresh token is still accepted');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
