import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bearer, crm, exchange, grantFor, post, refreshParams, startEmulator, token } from './_emulator.js';

test('counters: refresh requests and issued tokens per refresh token, code exchanges, revokes, API requests', async (t) => {
  const emulator = await startEmulator(t);
  const { client, user, refreshToken: a, accessToken } = await grantFor(emulator);
  const { refreshToken: b } = await exchange(emulator, client, user);
  await token(emulator.accountsUrl(), {
    grant_type: 'authorization_code',
    client_id: client.clientId,
    client_secret: client.clientSecret,
    code: 'used-or-not',
  });

  await token(emulator.accountsUrl(), refreshParams(client, a));
  await token(emulator.accountsUrl(), refreshParams(client, a));
  await token(emulator.accountsUrl(), { ...refreshParams(client, a), client_secret: 'wrong' });
  await token(emulator.accountsUrl(), refreshParams(client, b));
  await crm(emulator.apiDomain(), '/crm/v8/Leads', bearer(accessToken));
  await crm(emulator.apiDomain(), '/crm/v8/Leads', null);
  await post(emulator.accountsUrl(), '/oauth/v2/token/revoke', { token: b }, 'query');

  const { stats } = emulator;
  assert.equal(stats.codeExchanges(), 3);
  assert.equal(stats.refreshRequests(), 4);
  assert.equal(stats.refreshRequests(a), 3, 'refused requests count');
  assert.equal(stats.refreshRequests(b), 1);
  assert.equal(stats.refreshRequests('1000.unknown'), 0);
  assert.equal(stats.accessTokensIssued(), 3);
  assert.equal(stats.accessTokensIssued(a), 2, 'the access token of the code exchange is not from the refresh token');
  assert.equal(stats.revokes(), 1);
  assert.equal(stats.apiRequests(), 2);
  assert.equal(stats.invalidTokenResponses(), 0);
  assert.equal(stats.throttled(), 0);

  stats.reset();
  for (const count of [
    stats.codeExchanges(),
    stats.refreshRequests(),
    stats.refreshRequests(a),
    stats.accessTokensIssued(a),
    stats.revokes(),
    stats.apiRequests(),
  ]) {
    assert.equal(count, 0);
  }
});
