import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AccountsEmulator, THROTTLE_BODY } from 'zoho-token-store/testing';
import { bearer, crm, exchange, grantFor, refreshParams, startEmulator, token, TOKEN_SHAPE } from './_emulator.js';

const CURRENT_USER = '/crm/v8/users?type=CurrentUser';

test('defaults are the reference numbers', async (t) => {
  const emulator = await startEmulator(t);
  assert.deepEqual(
    { ...emulator.limits },
    {
      accessTokensPerRefreshWindow: 10,
      refreshWindowMs: 600_000,
      activeAccessTokensPerRefresh: 10,
      refreshTokensPerUserPerClient: 20,
      accessTokenTtlMs: 3_600_000,
      grantCodeTtlMs: 120_000,
      grantCodesPerClientWindow: 10,
      grantCodeWindowMs: 600_000,
      selfClientCodeTtlMs: 180_000,
    },
  );
  assert.ok(Object.isFrozen(emulator.limits));
});

test('10 refreshes in the window, then the throttle body for the rest of it, then refreshes again', async (t) => {
  const emulator = await startEmulator(t);
  const { client, refreshToken } = await grantFor(emulator);
  for (let i = 0; i < 10; i += 1) {
    const { body } = await token(emulator.accountsUrl(), refreshParams(client, refreshToken));
    assert.match(String(body.access_token), TOKEN_SHAPE, `refresh ${i + 1} of 10 is allowed`);
    emulator.clock.advance(30_000);
  }
  const eleventh = await token(emulator.accountsUrl(), refreshParams(client, refreshToken));
  assert.equal(eleventh.status, 200);
  assert.deepEqual(eleventh.body, THROTTLE_BODY);
  // Still blocked just before the window (opened by the first refresh) ends.
  emulator.clock.advance(600_000 - 10 * 30_000 - 5_000);
  assert.deepEqual((await token(emulator.accountsUrl(), refreshParams(client, refreshToken))).body, THROTTLE_BODY);
  assert.equal(emulator.stats.throttled(), 2);
  assert.equal(emulator.stats.accessTokensIssued(refreshToken), 10);
  assert.equal(emulator.stats.refreshRequests(refreshToken), 12);

  emulator.clock.advance(5_000);
  const afterWindow = await token(emulator.accountsUrl(), refreshParams(client, refreshToken));
  assert.match(String(afterWindow.body.access_token), TOKEN_SHAPE);
});

test('the limit counts per refresh token: another refresh token of the same user is not throttled', async (t) => {
  const emulator = await startEmulator(t);
  const { client, user, refreshToken } = await grantFor(emulator);
  const second = await exchange(emulator, client, user);
  for (let i = 0; i < 10; i += 1) await token(emulator.accountsUrl(), refreshParams(client, refreshToken));
  assert.deepEqual((await token(emulator.accountsUrl(), refreshParams(client, refreshToken))).body, THROTTLE_BODY);
  assert.match(String((await token(emulator.accountsUrl(), refreshParams(client, second.refreshToken))).body.access_token), TOKEN_SHAPE);
});

test('the throttle limit and window are settings', async (t) => {
  const emulator = await startEmulator(t, { limits: { accessTokensPerRefreshWindow: 2, refreshWindowMs: 60_000 } });
  const { client, refreshToken } = await grantFor(emulator);
  await token(emulator.accountsUrl(), refreshParams(client, refreshToken));
  await token(emulator.accountsUrl(), refreshParams(client, refreshToken));
  assert.deepEqual((await token(emulator.accountsUrl(), refreshParams(client, refreshToken))).body, THROTTLE_BODY);
  emulator.clock.advance(60_000);
  assert.match(String((await token(emulator.accountsUrl(), refreshParams(client, refreshToken))).body.access_token), TOKEN_SHAPE);
});

test('beyond activeAccessTokensPerRefresh live access tokens, the oldest is invalidated', async (t) => {
  const emulator = await startEmulator(t, { limits: { activeAccessTokensPerRefresh: 3 } });
  const { client, refreshToken, accessToken: first } = await grantFor(emulator);
  const issued = [first];
  for (let i = 0; i < 3; i += 1)
    issued.push(String((await token(emulator.accountsUrl(), refreshParams(client, refreshToken))).body.access_token));
  const statuses = [];
  for (const access of issued) statuses.push((await crm(emulator.apiDomain(), CURRENT_USER, bearer(access))).status);
  assert.deepEqual(statuses, [401, 200, 200, 200]);
  const evicted = await crm(emulator.apiDomain(), CURRENT_USER, bearer(first));
  assert.deepEqual(evicted.body, { code: 'INVALID_TOKEN', details: {}, message: 'invalid oauth token', status: 'error' });
});

test('expired access tokens do not count as active', async (t) => {
  const emulator = await startEmulator(t, { limits: { activeAccessTokensPerRefresh: 2, accessTokenTtlMs: 60_000 } });
  const { client, refreshToken } = await grantFor(emulator);
  emulator.clock.advance(60_000);
  const a = String((await token(emulator.accountsUrl(), refreshParams(client, refreshToken))).body.access_token);
  const b = String((await token(emulator.accountsUrl(), refreshParams(client, refreshToken))).body.access_token);
  assert.equal((await crm(emulator.apiDomain(), CURRENT_USER, bearer(a))).status, 200);
  assert.equal((await crm(emulator.apiDomain(), CURRENT_USER, bearer(b))).status, 200);
});

test('an access token expires after accessTokenTtlMs by the emulated clock', async (t) => {
  const emulator = await startEmulator(t);
  const { accessToken } = await grantFor(emulator);
  emulator.clock.advance(3_600_000 - 60_000);
  assert.equal((await crm(emulator.apiDomain(), CURRENT_USER, bearer(accessToken))).status, 200);
  emulator.clock.advance(60_000);
  const expired = await crm(emulator.apiDomain(), CURRENT_USER, bearer(accessToken));
  assert.equal(expired.status, 401);
  assert.equal(expired.body.code, 'INVALID_TOKEN');
});

test('the 21st refresh token of a user for a client deletes the oldest, with its access tokens', async (t) => {
  const emulator = await startEmulator(t);
  const client = emulator.registerClient();
  const user = emulator.addUser();
  const otherClient = emulator.registerClient();
  const otherGrant = await exchange(emulator, otherClient, user);
  const grants = [];
  // Twenty-one codes exceed the grant-code limit of one window: move the clock past it every ten.
  for (let i = 0; i < 21; i += 1) {
    if (i > 0 && i % 10 === 0) emulator.clock.advance(emulator.limits.grantCodeWindowMs);
    grants.push(await exchange(emulator, client, user));
  }
  const oldest = grants[0]!;
  assert.deepEqual((await token(emulator.accountsUrl(), refreshParams(client, oldest.refreshToken))).body, { error: 'invalid_code' });
  assert.equal((await crm(emulator.apiDomain(), CURRENT_USER, bearer(oldest.accessToken))).status, 401);
  for (const kept of [grants[1]!, grants[20]!]) {
    assert.match(String((await token(emulator.accountsUrl(), refreshParams(client, kept.refreshToken))).body.access_token), TOKEN_SHAPE);
    assert.equal((await crm(emulator.apiDomain(), CURRENT_USER, bearer(kept.accessToken))).status, 200);
  }
  // The cap is per client: the other client's refresh token of the same user is untouched.
  assert.match(
    String((await token(emulator.accountsUrl(), refreshParams(otherClient, otherGrant.refreshToken))).body.access_token),
    TOKEN_SHAPE,
  );
});

test('the refresh-token cap is a setting', async (t) => {
  const emulator = await startEmulator(t, { limits: { refreshTokensPerUserPerClient: 2 } });
  const client = emulator.registerClient();
  const user = emulator.addUser();
  const [a, b, c] = [
    await exchange(emulator, client, user),
    await exchange(emulator, client, user),
    await exchange(emulator, client, user),
  ];
  assert.deepEqual((await token(emulator.accountsUrl(), refreshParams(client, a.refreshToken))).body, { error: 'invalid_code' });
  for (const kept of [b, c])
    assert.match(String((await token(emulator.accountsUrl(), refreshParams(client, kept.refreshToken))).body.access_token), TOKEN_SHAPE);
});

test('limits are validated before anything listens', async () => {
  await assert.rejects(AccountsEmulator.start({ limits: { refreshWindowMs: 0 } }), { code: 'INVALID_CONFIG' });
  await assert.rejects(AccountsEmulator.start({ limits: { accessTokenTtlMs: 1.5 } }), { code: 'INVALID_CONFIG' });
  await assert.rejects(AccountsEmulator.start({ limits: { noSuchLimit: 3 } as never }), { code: 'INVALID_CONFIG' });
});
