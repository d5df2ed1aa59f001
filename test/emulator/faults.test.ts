import assert from 'node:assert/strict';
import { test } from 'node:test';
import { THROTTLE_BODY } from 'zoho-token-store/testing';
import { bearer, crm, grantFor, post, refreshParams, startEmulator, token, TOKEN_SHAPE } from './_emulator.js';

test('failNext: the next N token and revoke requests answer that HTTP status, then all is normal', async (t) => {
  const emulator = await startEmulator(t);
  const { client, refreshToken } = await grantFor(emulator);
  emulator.faults.failNext(2, 503);
  const first = await post(emulator.accountsUrl(), '/oauth/v2/token', refreshParams(client, refreshToken));
  assert.equal(first.status, 503);
  assert.match(first.headers.get('content-type') ?? '', /^text\/html/);
  assert.equal((await post(emulator.accountsUrl(), '/oauth/v2/token/revoke', { token: refreshToken }, 'query')).status, 503);
  const third = await token(emulator.accountsUrl(), refreshParams(client, refreshToken));
  assert.match(String(third.body.access_token), TOKEN_SHAPE);
  assert.equal(emulator.stats.refreshRequests(refreshToken), 2, 'failed requests are counted as seen');
  assert.equal(emulator.stats.accessTokensIssued(refreshToken), 1, 'but issue nothing');

  emulator.faults.failNext(1);
  assert.equal(
    (await post(emulator.accountsUrl(), '/oauth/v2/token', refreshParams(client, refreshToken))).status,
    500,
    'the default status is 500',
  );
  assert.throws(() => emulator.faults.failNext(1, 200), { code: 'INVALID_ARGUMENT' });
  assert.throws(() => emulator.faults.failNext(-1), { code: 'INVALID_ARGUMENT' });
});

test('failNext does not touch the CRM API', async (t) => {
  const emulator = await startEmulator(t);
  const { accessToken } = await grantFor(emulator);
  emulator.faults.failNext(1);
  assert.equal((await crm(emulator.apiDomain(), '/crm/v8/Leads', bearer(accessToken))).status, 200);
});

test('dropNext: the next N requests lose their connection without a response', async (t) => {
  const emulator = await startEmulator(t);
  const { client, refreshToken, accessToken } = await grantFor(emulator);
  emulator.faults.dropNext(2);
  await assert.rejects(post(emulator.accountsUrl(), '/oauth/v2/token', refreshParams(client, refreshToken)), TypeError);
  await assert.rejects(fetch(`${emulator.apiDomain()}/crm/v8/Leads`, { headers: { authorization: bearer(accessToken) } }), TypeError);
  assert.match(String((await token(emulator.accountsUrl(), refreshParams(client, refreshToken))).body.access_token), TOKEN_SHAPE);
  assert.equal(emulator.stats.refreshRequests(), 2, 'a dropped request was still seen');
  assert.equal(emulator.stats.accessTokensIssued(), 1);
});

test('delay: every response waits that long; 0 turns it off', async (t) => {
  const emulator = await startEmulator(t);
  const { client, refreshToken } = await grantFor(emulator);
  emulator.faults.delay(300);
  const started = performance.now();
  await token(emulator.accountsUrl(), refreshParams(client, refreshToken));
  assert.ok(performance.now() - started >= 290, 'the response waited for the delay');
  emulator.faults.delay(0);
  // The switch is off: a request sent with a 250 ms abort deadline now gets through.
  const quick = await fetch(`${emulator.accountsUrl()}/oauth/v2/token`, {
    method: 'POST',
    body: new URLSearchParams(refreshParams(client, refreshToken)),
    signal: AbortSignal.timeout(250),
  });
  assert.equal(quick.status, 200);
  emulator.faults.delay(5_000);
  await assert.rejects(
    fetch(`${emulator.accountsUrl()}/oauth/v2/token`, {
      method: 'POST',
      body: new URLSearchParams(refreshParams(client, refreshToken)),
      signal: AbortSignal.timeout(200),
    }),
    { name: 'TimeoutError' },
  );
});

test('close() cuts a delayed response short', async (t) => {
  const emulator = await startEmulator(t);
  const { client, refreshToken } = await grantFor(emulator);
  emulator.faults.delay(60_000);
  const pending = post(emulator.accountsUrl(), '/oauth/v2/token', refreshParams(client, refreshToken));
  await new Promise((resolve) => setTimeout(resolve, 50));
  await emulator.close();
  await assert.rejects(pending, TypeError);
});

test('legacyExpiresFormat: expires_in in milliseconds with expires_in_sec', async (t) => {
  const emulator = await startEmulator(t);
  const { client, refreshToken } = await grantFor(emulator);
  emulator.faults.legacyExpiresFormat(true);
  const legacy = await token(emulator.accountsUrl(), refreshParams(client, refreshToken));
  assert.equal(legacy.body.expires_in, 3_600_000);
  assert.equal(legacy.body.expires_in_sec, 3600);
  emulator.faults.legacyExpiresFormat(false);
  const current = await token(emulator.accountsUrl(), refreshParams(client, refreshToken));
  assert.equal(current.body.expires_in, 3600);
  assert.equal('expires_in_sec' in current.body, false);
});

test('throttleNext: the next N token requests get the throttle body, counted as throttled', async (t) => {
  const emulator = await startEmulator(t);
  const { client, refreshToken } = await grantFor(emulator);
  emulator.faults.throttleNext(2);
  assert.deepEqual((await token(emulator.accountsUrl(), refreshParams(client, refreshToken))).body, THROTTLE_BODY);
  assert.deepEqual((await token(emulator.accountsUrl(), refreshParams(client, refreshToken), 'multipart')).body, THROTTLE_BODY);
  assert.match(String((await token(emulator.accountsUrl(), refreshParams(client, refreshToken))).body.access_token), TOKEN_SHAPE);
  assert.equal(emulator.stats.throttled(), 2);
  assert.equal(emulator.stats.accessTokensIssued(refreshToken), 1);
});

test('invalidCodeNext: the next N token requests get invalid_code, and the token still works after', async (t) => {
  const emulator = await startEmulator(t);
  const { client, refreshToken } = await grantFor(emulator);
  emulator.faults.invalidCodeNext(1);
  assert.deepEqual((await token(emulator.accountsUrl(), refreshParams(client, refreshToken))).body, { error: 'invalid_code' });
  assert.match(String((await token(emulator.accountsUrl(), refreshParams(client, refreshToken))).body.access_token), TOKEN_SHAPE);
});

test('clear() turns every switch off', async (t) => {
  const emulator = await startEmulator(t);
  const { client, refreshToken } = await grantFor(emulator);
  emulator.faults.failNext(5);
  emulator.faults.dropNext(5);
  emulator.faults.throttleNext(5);
  emulator.faults.invalidCodeNext(5);
  emulator.faults.legacyExpiresFormat(true);
  emulator.faults.delay(10_000);
  emulator.faults.clear();
  const { status, body } = await token(emulator.accountsUrl(), refreshParams(client, refreshToken));
  assert.equal(status, 200);
  assert.match(String(body.access_token), TOKEN_SHAPE);
  assert.equal(body.expires_in, 3600);
});
