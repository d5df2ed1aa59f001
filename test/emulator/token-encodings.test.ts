import assert from 'node:assert/strict';
import { test } from 'node:test';
import { grantFor, post, refreshParams, startEmulator, token, TOKEN_SHAPE, type Encoding } from './_emulator.js';

for (const encoding of ['query', 'urlencoded', 'multipart'] as const satisfies readonly Encoding[]) {
  test(`the token endpoint reads parameters from the ${encoding === 'query' ? 'query string' : `${encoding} body`}`, async (t) => {
    const emulator = await startEmulator(t);
    const client = emulator.registerClient();
    const user = emulator.addUser();
    const code = emulator.issueGrantCode({ client, user });
    const exchanged = await token(
      emulator.accountsUrl(),
      {
        grant_type: 'authorization_code',
        client_id: client.clientId,
        client_secret: client.clientSecret,
        code,
        redirect_uri: client.redirectUri,
      },
      encoding,
    );
    assert.equal(exchanged.status, 200);
    assert.match(String(exchanged.body.access_token), TOKEN_SHAPE);
    assert.match(String(exchanged.body.refresh_token), TOKEN_SHAPE);
    assert.deepEqual(Object.keys(exchanged.body).sort(), ['access_token', 'api_domain', 'expires_in', 'refresh_token', 'token_type']);
    assert.equal(exchanged.body.api_domain, emulator.apiDomain());
    assert.equal(exchanged.body.token_type, 'Bearer');
    assert.equal(exchanged.body.expires_in, 3600);

    const refreshed = await token(emulator.accountsUrl(), refreshParams(client, String(exchanged.body.refresh_token)), encoding);
    assert.match(String(refreshed.body.access_token), TOKEN_SHAPE);
    assert.notEqual(refreshed.body.access_token, exchanged.body.access_token);
  });
}

test('a hand-written multipart body, as the form-data package writes it, with a quoted boundary', async (t) => {
  const emulator = await startEmulator(t);
  const { client, refreshToken } = await grantFor(emulator);
  const boundary = '--------------------------515890814546601021194782';
  const part = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const body = `${Object.entries(refreshParams(client, refreshToken))
    .map(([name, value]) => part(name, value))
    .join('')}--${boundary}--\r\n`;
  const response = await fetch(`${emulator.accountsUrl()}/oauth/v2/token`, {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary="${boundary}"` },
    body,
  });
  const json = (await response.json()) as Record<string, unknown>;
  assert.match(String(json.access_token), TOKEN_SHAPE);
});

test('body parameters win over the same parameters in the query string', async (t) => {
  const emulator = await startEmulator(t);
  const { client, refreshToken } = await grantFor(emulator);
  const url = `${emulator.accountsUrl()}/oauth/v2/token?client_secret=wrong-secret`;
  const response = await fetch(url, { method: 'POST', body: new URLSearchParams(refreshParams(client, refreshToken)) });
  const json = (await response.json()) as Record<string, unknown>;
  assert.match(String(json.access_token), TOKEN_SHAPE);
});

test('a malformed multipart body is a 400, and changes nothing', async (t) => {
  const emulator = await startEmulator(t);
  const { client, refreshToken } = await grantFor(emulator);
  const response = await fetch(`${emulator.accountsUrl()}/oauth/v2/token`, {
    method: 'POST',
    headers: { 'content-type': 'multipart/form-data; boundary=abc' },
    body: 'not a multipart body',
  });
  assert.equal(response.status, 400);
  assert.equal(emulator.stats.refreshRequests(), 0);
  const ok = await token(emulator.accountsUrl(), refreshParams(client, refreshToken));
  assert.match(String(ok.body.access_token), TOKEN_SHAPE);
});

test('the token endpoint takes only POST; unknown paths are 404', async (t) => {
  const emulator = await startEmulator(t);
  const get = await fetch(`${emulator.accountsUrl()}/oauth/v2/token?grant_type=refresh_token`);
  assert.equal(get.status, 405);
  assert.equal(get.headers.get('allow'), 'POST');
  const missing = await post(emulator.accountsUrl(), '/oauth/v3/nothing', {});
  assert.equal(missing.status, 404);
});

test('a body over 64 KiB is refused with 413', async (t) => {
  const emulator = await startEmulator(t);
  const response = await fetch(`${emulator.accountsUrl()}/oauth/v2/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'refresh_token', pad: 'x'.repeat(70_000) }),
  });
  assert.equal(response.status, 413);
  assert.equal(emulator.stats.refreshRequests(), 0);
});
