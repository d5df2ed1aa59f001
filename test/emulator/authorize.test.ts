import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAccountsError } from 'zoho-token-store';
import { AccountsClient, DEFAULT_THROTTLE_RETRY_MS } from 'zoho-token-store/accounts';
import type { EmulatorClient } from 'zoho-token-store/testing';
import { pkcePair, startEmulator, token, TOKEN_SHAPE } from './_emulator.js';

/** The authorize URL a web app sends the browser to, with `extra` parameters. */
function authorizeUrl(base: string, client: EmulatorClient, extra: Record<string, string> = {}): string {
  const url = new URL('/oauth/v2/auth', base);
  const params = {
    scope: 'ZohoCRM.modules.ALL,ZohoCRM.users.READ',
    client_id: client.clientId,
    response_type: 'code',
    access_type: 'offline',
    redirect_uri: client.redirectUri,
    ...extra,
  };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.toString();
}

async function authorize(url: string): Promise<Response> {
  return fetch(url, { redirect: 'manual' });
}

/** Follows the consent and returns the redirect's query. */
async function consent(url: string): Promise<URLSearchParams> {
  const response = await authorize(url);
  assert.equal(response.status, 302);
  return new URL(response.headers.get('location') ?? '').searchParams;
}

/** Exchanges the redirect's code at the accounts server the redirect names, as a web app must. */
async function exchangeCode(client: EmulatorClient, query: URLSearchParams, extra: Record<string, string> = {}) {
  return token(query.get('accounts-server') ?? '', {
    grant_type: 'authorization_code',
    client_id: client.clientId,
    client_secret: client.clientSecret,
    code: query.get('code') ?? '',
    redirect_uri: client.redirectUri,
    ...extra,
  });
}

test('authorize redirects to the redirect URI with state, code, location and accounts-server', async (t) => {
  const emulator = await startEmulator(t);
  const client = emulator.registerClient({ redirectUri: 'https://app.example.com/callback?tenant=7' });
  const user = emulator.addUser();
  const response = await authorize(authorizeUrl(emulator.accountsUrl(), client, { state: 's t&a=te', login_hint: user.email }));
  assert.equal(response.status, 302);
  const location = new URL(response.headers.get('location') ?? '');
  assert.equal(location.origin + location.pathname, 'https://app.example.com/callback');
  assert.deepEqual([...location.searchParams.keys()], ['tenant', 'state', 'code', 'location', 'accounts-server']);
  assert.equal(location.searchParams.get('tenant'), '7');
  assert.equal(location.searchParams.get('state'), 's t&a=te');
  assert.match(location.searchParams.get('code') ?? '', TOKEN_SHAPE);
  assert.equal(location.searchParams.get('location'), 'us');
  assert.equal(location.searchParams.get('accounts-server'), emulator.accountsUrl('us'));
  assert.ok(response.headers.get('location')?.includes(`accounts-server=${encodeURIComponent(emulator.accountsUrl('us'))}`));
});

test("the US server sends a user of another data center to that data center's accounts server", async (t) => {
  const emulator = await startEmulator(t);
  const client = emulator.registerClient();
  const user = emulator.addUser({ dataCenter: 'eu' });
  const query = await consent(authorizeUrl(emulator.accountsUrl('us'), client, { login_hint: user.email }));
  assert.equal(query.get('location'), 'eu');
  assert.equal(query.get('accounts-server'), emulator.accountsUrl('eu'));

  const atUs = await token(emulator.accountsUrl('us'), {
    grant_type: 'authorization_code',
    client_id: client.clientId,
    client_secret: client.clientSecret,
    code: query.get('code') ?? '',
    redirect_uri: client.redirectUri,
  });
  assert.deepEqual(atUs.body, { error: 'invalid_client' });
  const atEu = await exchangeCode(client, query);
  assert.match(String(atEu.body.refresh_token), TOKEN_SHAPE);
  assert.equal(atEu.body.api_domain, emulator.apiDomain('eu'));
});

test('a redirect URI other than the registered one gets an HTML error page, not a redirect', async (t) => {
  const emulator = await startEmulator(t);
  const client = emulator.registerClient({ redirectUri: 'https://app.example.com/callback' });
  for (const other of ['https://app.example.com/callback/', 'https://evil.example.com/callback', 'https://app.example.com/Callback']) {
    const response = await authorize(authorizeUrl(emulator.accountsUrl(), client, { redirect_uri: other, state: 'x' }));
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('location'), null);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(await response.text(), /Invalid Redirect Uri/);
  }
  const unknownClient = await authorize(authorizeUrl(emulator.accountsUrl(), { ...client, clientId: '1000.UNKNOWN' }));
  assert.equal(unknownClient.status, 400);
  assert.match(await unknownClient.text(), /Invalid Client/);
});

test('errors after the redirect URI is checked go back to it with error and state', async (t) => {
  const emulator = await startEmulator(t);
  const client = emulator.registerClient();
  const badType = await consent(authorizeUrl(emulator.accountsUrl(), client, { response_type: 'token', state: 'k' }));
  assert.equal(badType.get('error'), 'unsupported_response_type');
  assert.equal(badType.get('state'), 'k');
  assert.equal(badType.get('code'), null);
  const noScope = await consent(authorizeUrl(emulator.accountsUrl(), client, { scope: '' }));
  assert.equal(noScope.get('error'), 'invalid_scope');
  const badPkce = await consent(authorizeUrl(emulator.accountsUrl(), client, { code_challenge: 'abc', code_challenge_method: 'S512' }));
  assert.equal(badPkce.get('error'), 'invalid_request');
});

test('login_hint picks the user; without it the first user consents; with no user one is added', async (t) => {
  const emulator = await startEmulator(t);
  const client = emulator.registerClient();
  const withNoUser = await consent(authorizeUrl(emulator.accountsUrl('eu'), client));
  assert.equal(withNoUser.get('location'), 'eu', 'the added user belongs to the data center that served the consent');
  const second = emulator.addUser({ email: 'grace@example.com' });
  const hinted = await consent(authorizeUrl(emulator.accountsUrl(), client, { login_hint: 'Grace@Example.com' }));
  assert.equal(hinted.get('location'), second.dataCenter);
  const unknown = await authorize(authorizeUrl(emulator.accountsUrl(), client, { login_hint: 'nobody@example.com' }));
  assert.equal(unknown.status, 400);
});

test('access_type=online gives no refresh token', async (t) => {
  const emulator = await startEmulator(t);
  const client = emulator.registerClient();
  const query = await consent(authorizeUrl(emulator.accountsUrl(), client, { access_type: 'online' }));
  const { body } = await exchangeCode(client, query);
  assert.match(String(body.access_token), TOKEN_SHAPE);
  assert.equal('refresh_token' in body, false);
});

test('a refresh token comes only the first time, unless prompt=consent', async (t) => {
  const emulator = await startEmulator(t);
  const client = emulator.registerClient();
  const user = emulator.addUser();
  const first = await exchangeCode(client, await consent(authorizeUrl(emulator.accountsUrl(), client, { login_hint: user.email })));
  assert.match(String(first.body.refresh_token), TOKEN_SHAPE);
  const again = await exchangeCode(client, await consent(authorizeUrl(emulator.accountsUrl(), client, { login_hint: user.email })));
  assert.match(String(again.body.access_token), TOKEN_SHAPE);
  assert.equal('refresh_token' in again.body, false);
  const forced = await exchangeCode(
    client,
    await consent(authorizeUrl(emulator.accountsUrl(), client, { login_hint: user.email, prompt: 'consent' })),
  );
  assert.match(String(forced.body.refresh_token), TOKEN_SHAPE);
  assert.notEqual(forced.body.refresh_token, first.body.refresh_token);

  // Once the user holds no refresh token for the client (revoked), the next consent is a first time again.
  emulator.revokeRefreshToken(String(first.body.refresh_token));
  emulator.revokeRefreshToken(String(forced.body.refresh_token));
  const afterRevoke = await exchangeCode(client, await consent(authorizeUrl(emulator.accountsUrl(), client, { login_hint: user.email })));
  assert.match(String(afterRevoke.body.refresh_token), TOKEN_SHAPE);
});

test('PKCE with S256: the right verifier exchanges the code; a wrong or missing one gets invalid_code', async (t) => {
  const emulator = await startEmulator(t);
  const client = emulator.registerClient();
  const { verifier, s256 } = pkcePair();
  const challenge = { code_challenge: s256, code_challenge_method: 'S256', prompt: 'consent' };
  const good = await exchangeCode(client, await consent(authorizeUrl(emulator.accountsUrl(), client, challenge)), {
    code_verifier: verifier,
  });
  assert.match(String(good.body.access_token), TOKEN_SHAPE);
  const wrong = await exchangeCode(client, await consent(authorizeUrl(emulator.accountsUrl(), client, challenge)), {
    code_verifier: pkcePair().verifier,
  });
  assert.deepEqual(wrong.body, { error: 'invalid_code' });
  const missing = await exchangeCode(client, await consent(authorizeUrl(emulator.accountsUrl(), client, challenge)));
  assert.deepEqual(missing.body, { error: 'invalid_code' });
});

test('PKCE with plain (also the default method): the verifier equals the challenge', async (t) => {
  const emulator = await startEmulator(t);
  const client = emulator.registerClient();
  const { verifier } = pkcePair();
  const explicit = await exchangeCode(
    client,
    await consent(authorizeUrl(emulator.accountsUrl(), client, { code_challenge: verifier, code_challenge_method: 'plain' })),
    { code_verifier: verifier },
  );
  assert.match(String(explicit.body.access_token), TOKEN_SHAPE);
  const byDefault = await exchangeCode(client, await consent(authorizeUrl(emulator.accountsUrl(), client, { code_challenge: verifier })), {
    code_verifier: verifier,
  });
  assert.match(String(byDefault.body.access_token), TOKEN_SHAPE);
  const s256Verifier = await exchangeCode(
    client,
    await consent(authorizeUrl(emulator.accountsUrl(), client, { code_challenge: verifier })),
    { code_verifier: `${verifier}x` },
  );
  assert.deepEqual(s256Verifier.body, { error: 'invalid_code' });
});

test('issueGrantCode takes a PKCE challenge too', async (t) => {
  const emulator = await startEmulator(t);
  const client = emulator.registerClient();
  const user = emulator.addUser();
  const { verifier, s256 } = pkcePair();
  const code = emulator.issueGrantCode({ client, user, pkce: { method: 'S256', challenge: s256 } });
  const params = {
    grant_type: 'authorization_code',
    client_id: client.clientId,
    client_secret: client.clientSecret,
    code,
    redirect_uri: client.redirectUri,
  };
  const { body } = await token(emulator.accountsUrl(), { ...params, code_verifier: verifier });
  assert.match(String(body.refresh_token), TOKEN_SHAPE);
});

test('a browser gets a consent page: the chosen user and Accept post back and redirect; Reject is access_denied', async (t) => {
  const emulator = await startEmulator(t);
  const client = emulator.registerClient({ redirectUri: 'https://app.example.com/callback' });
  emulator.addUser({ email: 'ada@example.com', fullName: 'Ada <b>Lovelace</b>' });
  const grace = emulator.addUser({ email: 'grace@example.com', dataCenter: 'eu' });
  const url = authorizeUrl(emulator.accountsUrl(), client, { state: 'st"ate', login_hint: 'grace@example.com' });
  const page = await fetch(url, { headers: { accept: 'text/html,application/xhtml+xml' } });
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /<button type="submit" name="decision" value="accept">Accept<\/button>/);
  assert.match(html, /value="grace@example.com" checked/);
  assert.ok(html.includes('Ada &#60;b&#62;Lovelace&#60;/b&#62;') && html.includes('value="st&#34;ate"'), 'every value is escaped');
  const form = new URLSearchParams(
    [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m): [string, string] => [
      m[1] as string,
      (m[2] as string).replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n))),
    ]),
  );
  const post = (decision: string) =>
    fetch(`${emulator.accountsUrl()}/oauth/v2/auth`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams([...form, ['login_hint', grace.email], ['decision', decision]]),
    });
  const accepted = new URL((await post('accept')).headers.get('location') ?? '');
  assert.equal(accepted.searchParams.get('state'), 'st"ate');
  assert.equal(accepted.searchParams.get('location'), 'eu');
  assert.equal(accepted.searchParams.get('accounts-server'), emulator.accountsUrl('eu'));
  const { body } = await exchangeCode(client, accepted.searchParams);
  assert.equal(typeof body.access_token, 'string');
  const rejected = new URL((await post('reject')).headers.get('location') ?? '');
  assert.deepEqual(
    [...rejected.searchParams],
    [
      ['state', 'st"ate'],
      ['error', 'access_denied'],
    ],
  );
});

test("the grant-code limit bites at the exchange, not at the consent: the 11th consent still redirects with a code, whose exchange is access_denied (the library's THROTTLED)", async (t) => {
  const emulator = await startEmulator(t);
  const client = emulator.registerClient();
  const user = emulator.addUser();
  const redirects = [];
  for (let i = 0; i < 11; i += 1)
    redirects.push(await consent(authorizeUrl(emulator.accountsUrl(), client, { state: `s${i}`, login_hint: user.email })));
  for (const query of redirects) {
    assert.match(query.get('code') ?? '', TOKEN_SHAPE, 'every consent redirects with a code');
    assert.equal(query.get('error'), null);
  }
  for (const query of redirects.slice(0, 10)) assert.match(String((await exchangeCode(client, query)).body.access_token), TOKEN_SHAPE);
  const eleventh = redirects[10] as URLSearchParams;
  const accounts = new AccountsClient({ retry: { attempts: 1 } });
  await assert.rejects(
    accounts.exchangeGrant({
      accountsUrl: eleventh.get('accounts-server') ?? '',
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      redirectUri: client.redirectUri,
      code: eleventh.get('code') ?? '',
    }),
    (error: unknown) =>
      isAccountsError(error) &&
      error.code === 'THROTTLED' &&
      error.oauthError === 'access_denied' &&
      error.retryAfterMs === DEFAULT_THROTTLE_RETRY_MS,
  );
});
