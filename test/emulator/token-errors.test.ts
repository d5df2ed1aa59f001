import assert from 'node:assert/strict';
import { test } from 'node:test';
import { THROTTLE_BODY } from 'zoho-token-store/testing';
import { exchange, grantFor, refreshParams, startEmulator, token, TOKEN_SHAPE } from './_emulator.js';

function codeParams(client: { clientId: string; clientSecret: string; redirectUri: string }, code: string): Record<string, string> {
  return {
    grant_type: 'authorization_code',
    client_id: client.clientId,
    client_secret: client.clientSecret,
    code,
    redirect_uri: client.redirectUri,
  };
}

test('every refusal is HTTP 200 with the error body; an unknown client id is invalid_client', async (t) => {
  const emulator = await startEmulator(t);
  const { client, refreshToken } = await grantFor(emulator);
  const unknown = await token(emulator.accountsUrl(), { ...refreshParams(client, refreshToken), client_id: '1000.NOSUCHCLIENT' });
  assert.equal(unknown.status, 200);
  assert.deepEqual(unknown.body, { error: 'invalid_client' });
  const missing = await token(emulator.accountsUrl(), { grant_type: 'refresh_token', refresh_token: refreshToken });
  assert.deepEqual(missing.body, { error: 'invalid_client' });
});

test("a grant code or refresh token used at another data center's accounts server is invalid_client", async (t) => {
  const emulator = await startEmulator(t);
  const { client, refreshToken } = await grantFor(emulator, 'eu');
  const user = emulator.addUser({ dataCenter: 'eu' });
  const wrongDcRefresh = await token(emulator.accountsUrl('us'), refreshParams(client, refreshToken));
  assert.deepEqual(wrongDcRefresh.body, { error: 'invalid_client' });
  const code = emulator.issueGrantCode({ client, user });
  const wrongDcCode = await token(emulator.accountsUrl('us'), codeParams(client, code));
  assert.deepEqual(wrongDcCode.body, { error: 'invalid_client' });
  // Refused at the wrong data center, the code is still good at the right one.
  const rightDc = await token(emulator.accountsUrl('eu'), codeParams(client, code));
  assert.match(String(rightDc.body.refresh_token), TOKEN_SHAPE);
});

test('the right client id with a wrong secret is invalid_client_secret', async (t) => {
  const emulator = await startEmulator(t);
  const { client, user, refreshToken } = await grantFor(emulator);
  const refresh = await token(emulator.accountsUrl(), { ...refreshParams(client, refreshToken), client_secret: 'not-the-secret' });
  assert.deepEqual(refresh.body, { error: 'invalid_client_secret' });
  const code = emulator.issueGrantCode({ client, user });
  const exchangeWithout = await token(emulator.accountsUrl(), { ...codeParams(client, code), client_secret: '' });
  assert.deepEqual(exchangeWithout.body, { error: 'invalid_client_secret' });
});

test('a grant code is single use: the second exchange is invalid_code', async (t) => {
  const emulator = await startEmulator(t);
  const client = emulator.registerClient();
  const user = emulator.addUser();
  const code = emulator.issueGrantCode({ client, user });
  const first = await token(emulator.accountsUrl(), codeParams(client, code));
  assert.match(String(first.body.access_token), TOKEN_SHAPE);
  const second = await token(emulator.accountsUrl(), codeParams(client, code));
  assert.deepEqual(second.body, { error: 'invalid_code' });
  const neverIssued = await token(
    emulator.accountsUrl(),
    codeParams(client, '1000.0123456789abcdef0123456789abcdef.0123456789abcdef0123456789abcdef'),
  );
  assert.deepEqual(neverIssued.body, { error: 'invalid_code' });
});

test('a grant code expires after grantCodeTtlMs by the emulated clock', async (t) => {
  const emulator = await startEmulator(t);
  const client = emulator.registerClient();
  const user = emulator.addUser();
  assert.equal(emulator.limits.grantCodeTtlMs, 120_000);
  const fresh = emulator.issueGrantCode({ client, user });
  emulator.clock.advance(110_000);
  assert.match(String((await token(emulator.accountsUrl(), codeParams(client, fresh))).body.access_token), TOKEN_SHAPE);
  const stale = emulator.issueGrantCode({ client, user });
  emulator.clock.advance(120_000);
  assert.deepEqual((await token(emulator.accountsUrl(), codeParams(client, stale))).body, { error: 'invalid_code' });
});

test('self-client codes take their own ttl and need no redirect_uri', async (t) => {
  const emulator = await startEmulator(t);
  const client = emulator.registerClient({ selfClient: true });
  assert.equal(client.redirectUri, '');
  const user = emulator.addUser();
  const tenMinutes = emulator.issueGrantCode({ client, user, ttlMs: 600_000, accessType: 'online' });
  const byDefault = emulator.issueGrantCode({ client, user });
  emulator.clock.advance(emulator.limits.selfClientCodeTtlMs + 1);
  const params = (code: string) => ({
    grant_type: 'authorization_code',
    client_id: client.clientId,
    client_secret: client.clientSecret,
    code,
  });
  assert.deepEqual((await token(emulator.accountsUrl(), params(byDefault))).body, { error: 'invalid_code' });
  const exchanged = await token(emulator.accountsUrl(), params(tenMinutes));
  assert.match(String(exchanged.body.refresh_token), TOKEN_SHAPE, 'a self-client code always yields a refresh token');
});

test('a web code exchanged with another redirect_uri is invalid_redirect_uri, and is used up', async (t) => {
  const emulator = await startEmulator(t);
  const client = emulator.registerClient();
  const user = emulator.addUser();
  const code = emulator.issueGrantCode({ client, user });
  const wrong = await token(emulator.accountsUrl(), { ...codeParams(client, code), redirect_uri: 'https://other.example.com/cb' });
  assert.deepEqual(wrong.body, { error: 'invalid_redirect_uri' });
  assert.deepEqual((await token(emulator.accountsUrl(), codeParams(client, code))).body, { error: 'invalid_code' });
});

test("another client's grant code or refresh token is invalid_code", async (t) => {
  const emulator = await startEmulator(t);
  const { refreshToken, user } = await grantFor(emulator);
  const other = emulator.registerClient();
  assert.deepEqual((await token(emulator.accountsUrl(), refreshParams(other, refreshToken))).body, { error: 'invalid_code' });
  const code = emulator.issueGrantCode({ client: emulator.registerClient(), user });
  assert.deepEqual((await token(emulator.accountsUrl(), codeParams(other, code))).body, { error: 'invalid_code' });
});

test('a wrong or revoked refresh token is invalid_code; refresh tokens never rotate', async (t) => {
  const emulator = await startEmulator(t);
  const { client, refreshToken } = await grantFor(emulator);
  for (let i = 0; i < 3; i += 1) {
    const { body } = await token(emulator.accountsUrl(), refreshParams(client, refreshToken));
    assert.match(String(body.access_token), TOKEN_SHAPE);
    assert.equal('refresh_token' in body, false, 'a refresh response carries no refresh_token');
    assert.equal(body.scope, 'ZohoCRM.modules.ALL ZohoCRM.users.READ');
    assert.equal(body.expires_in, 3600);
    assert.equal(body.api_domain, emulator.apiDomain());
  }
  const wrong = await token(
    emulator.accountsUrl(),
    refreshParams(client, '1000.ffffffffffffffffffffffffffffffff.ffffffffffffffffffffffffffffffff'),
  );
  assert.deepEqual(wrong.body, { error: 'invalid_code' });
  emulator.revokeRefreshToken(refreshToken);
  assert.deepEqual((await token(emulator.accountsUrl(), refreshParams(client, refreshToken))).body, { error: 'invalid_code' });
});

test('more grant codes than grantCodesPerClientWindow: the extra ones answer access_denied until the window ends', async (t) => {
  const emulator = await startEmulator(t);
  const client = emulator.registerClient();
  const user = emulator.addUser();
  const codes = Array.from({ length: 11 }, () => emulator.issueGrantCode({ client, user }));
  const answers = [];
  for (const code of codes) answers.push((await token(emulator.accountsUrl(), codeParams(client, code))).body);
  assert.equal(answers.slice(0, 10).filter((body) => typeof body.access_token === 'string').length, 10);
  assert.deepEqual(answers[10], { error: 'access_denied' });
  // Another client has its own count.
  const other = emulator.registerClient();
  assert.match(
    String((await token(emulator.accountsUrl(), codeParams(other, emulator.issueGrantCode({ client: other, user })))).body.access_token),
    TOKEN_SHAPE,
  );
  emulator.clock.advance(emulator.limits.grantCodeWindowMs);
  const later = await exchange(emulator, client, user);
  assert.match(later.accessToken, TOKEN_SHAPE);
});

test('client_credentials: a self client with soid gets an org token; without soid missing_org_info', async (t) => {
  const emulator = await startEmulator(t);
  const client = emulator.registerClient({ selfClient: true });
  const user = emulator.addUser({ orgId: '60012345' });
  const base = {
    grant_type: 'client_credentials',
    client_id: client.clientId,
    client_secret: client.clientSecret,
    scope: 'ZohoCRM.modules.ALL,ZohoCRM.users.READ',
  };
  assert.deepEqual((await token(emulator.accountsUrl(), base)).body, { error: 'missing_org_info' });
  assert.deepEqual((await token(emulator.accountsUrl(), { ...base, soid: '60012345' })).body, { error: 'missing_org_info' });
  const ok = await token(emulator.accountsUrl(), { ...base, soid: `ZohoCRM.${user.orgId}` }, 'multipart');
  assert.match(String(ok.body.access_token), TOKEN_SHAPE);
  assert.equal('refresh_token' in ok.body, false);
  assert.equal(ok.body.scope, 'ZohoCRM.modules.ALL ZohoCRM.users.READ');
  const me = await fetch(`${emulator.apiDomain()}/crm/v8/users?type=CurrentUser`, {
    headers: { authorization: `Zoho-oauthtoken ${String(ok.body.access_token)}` },
  });
  const users = ((await me.json()) as { users: { email: string }[] }).users;
  assert.deepEqual(
    users.map((u) => u.email),
    [user.email],
  );

  assert.deepEqual((await token(emulator.accountsUrl('eu'), { ...base, soid: `ZohoCRM.${user.orgId}` })).body, { error: 'invalid_client' });
  assert.deepEqual((await token(emulator.accountsUrl(), { ...base, client_secret: 'x', soid: `ZohoCRM.${user.orgId}` })).body, {
    error: 'invalid_client_secret',
  });
  const web = emulator.registerClient();
  const asWeb = await token(emulator.accountsUrl(), {
    ...base,
    client_id: web.clientId,
    client_secret: web.clientSecret,
    soid: `ZohoCRM.${user.orgId}`,
  });
  assert.deepEqual(asWeb.body, { error: 'unauthorized_client' });
});

test('an unknown grant_type is unsupported_grant_type', async (t) => {
  const emulator = await startEmulator(t);
  const client = emulator.registerClient();
  const { body } = await token(emulator.accountsUrl(), {
    grant_type: 'password',
    client_id: client.clientId,
    client_secret: client.clientSecret,
  });
  assert.deepEqual(body, { error: 'unsupported_grant_type' });
});

test('the throttle body is verbatim Zoho', () => {
  assert.deepEqual(THROTTLE_BODY, {
    error_description: 'You have made too many requests continuously. Please try again after some time.',
    error: 'Access Denied',
    status: 'failure',
  });
});
