import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bearer, crm, exchange, grantFor, post, refreshParams, startEmulator, token, TOKEN_SHAPE } from './_emulator.js';

const CURRENT_USER = '/crm/v8/users?type=CurrentUser';

test('revoke kills the refresh token and every access token made from it', async (t) => {
  const emulator = await startEmulator(t);
  const { client, user, refreshToken, accessToken } = await grantFor(emulator);
  const refreshed = String((await token(emulator.accountsUrl(), refreshParams(client, refreshToken))).body.access_token);
  const sibling = await exchange(emulator, client, user);

  const response = await post(emulator.accountsUrl(), `/oauth/v2/token/revoke?token=${encodeURIComponent(refreshToken)}`, {}, 'query');
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { status: 'success' });

  assert.deepEqual((await token(emulator.accountsUrl(), refreshParams(client, refreshToken))).body, { error: 'invalid_code' });
  for (const access of [accessToken, refreshed]) {
    const answer = await crm(emulator.apiDomain(), CURRENT_USER, bearer(access));
    assert.equal(answer.status, 401);
    assert.equal(answer.body.code, 'INVALID_TOKEN');
  }
  // Another refresh token of the same user and client lives on.
  assert.equal((await crm(emulator.apiDomain(), CURRENT_USER, bearer(sibling.accessToken))).status, 200);
  assert.match(String((await token(emulator.accountsUrl(), refreshParams(client, sibling.refreshToken))).body.access_token), TOKEN_SHAPE);
});

test('the token may come in a urlencoded or multipart body too', async (t) => {
  const emulator = await startEmulator(t);
  const { refreshToken: first, client, user } = await grantFor(emulator);
  const { refreshToken: second } = await exchange(emulator, client, user);
  assert.equal((await post(emulator.accountsUrl(), '/oauth/v2/token/revoke', { token: first }, 'urlencoded')).status, 200);
  assert.equal((await post(emulator.accountsUrl(), '/oauth/v2/token/revoke', { token: second }, 'multipart')).status, 200);
});

test('revoking an unknown, already revoked or other data center token is HTTP 400', async (t) => {
  const emulator = await startEmulator(t);
  const { refreshToken } = await grantFor(emulator, 'eu');
  const atUs = await post(emulator.accountsUrl('us'), '/oauth/v2/token/revoke', { token: refreshToken }, 'query');
  assert.equal(atUs.status, 400);
  const unknown = await post(emulator.accountsUrl('eu'), '/oauth/v2/token/revoke', { token: '1000.x.y' }, 'query');
  assert.equal(unknown.status, 400);
  const none = await post(emulator.accountsUrl('eu'), '/oauth/v2/token/revoke', {}, 'query');
  assert.equal(none.status, 400);
  assert.equal((await post(emulator.accountsUrl('eu'), '/oauth/v2/token/revoke', { token: refreshToken }, 'query')).status, 200);
  const again = await post(emulator.accountsUrl('eu'), '/oauth/v2/token/revoke', { token: refreshToken }, 'query');
  assert.equal(again.status, 400);
  assert.equal(emulator.stats.revokes(), 5);
});

test('revokeRefreshToken (the admin side) has the same effect; an unknown token is a caller mistake', async (t) => {
  const emulator = await startEmulator(t);
  const { client, refreshToken, accessToken } = await grantFor(emulator);
  emulator.revokeRefreshToken(refreshToken);
  assert.deepEqual((await token(emulator.accountsUrl(), refreshParams(client, refreshToken))).body, { error: 'invalid_code' });
  assert.equal((await crm(emulator.apiDomain(), CURRENT_USER, bearer(accessToken))).status, 401);
  assert.throws(() => emulator.revokeRefreshToken(refreshToken), { code: 'INVALID_ARGUMENT' });
  assert.equal(emulator.stats.revokes(), 0, 'an admin revoke is not a request');
});

test('invalidateAccessToken ends that access token only: its refresh token and its siblings keep working', async (t) => {
  const emulator = await startEmulator(t);
  const { client, refreshToken, accessToken } = await grantFor(emulator);
  const sibling = String((await token(emulator.accountsUrl(), refreshParams(client, refreshToken))).body.access_token);
  assert.equal((await crm(emulator.apiDomain(), CURRENT_USER, bearer(accessToken))).status, 200);

  emulator.invalidateAccessToken(accessToken);

  const refused = await crm(emulator.apiDomain(), CURRENT_USER, bearer(accessToken));
  assert.equal(refused.status, 401);
  assert.equal(refused.body.code, 'INVALID_TOKEN');
  assert.equal(
    (await crm(emulator.apiDomain(), CURRENT_USER, bearer(sibling))).status,
    200,
    'another access token of the same refresh token',
  );
  const renewed = String((await token(emulator.accountsUrl(), refreshParams(client, refreshToken))).body.access_token);
  assert.match(renewed, TOKEN_SHAPE, 'the refresh token still refreshes');
  assert.equal((await crm(emulator.apiDomain(), CURRENT_USER, bearer(renewed))).status, 200);
  assert.throws(() => emulator.invalidateAccessToken(accessToken), { code: 'INVALID_ARGUMENT' }, 'already invalidated');
  assert.throws(() => emulator.invalidateAccessToken('1000.x.y'), { code: 'INVALID_ARGUMENT' });
  assert.throws(() => emulator.invalidateAccessToken(refreshToken), { code: 'INVALID_ARGUMENT' }, 'a refresh token is not an access token');
  assert.equal(emulator.stats.revokes(), 0, 'a server-side control is not a request');
});
