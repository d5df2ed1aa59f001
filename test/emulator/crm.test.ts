import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bearer, crm, grantFor, startEmulator, token } from './_emulator.js';

const AUTH_FAILURE = 'AUTHENTICATION_FAILURE';

test('GET /crm/v8/users?type=CurrentUser answers the user the token belongs to', async (t) => {
  const emulator = await startEmulator(t);
  const client = emulator.registerClient();
  const user = emulator.addUser({ email: 'ada@example.com', fullName: 'Ada King Lovelace', orgId: '700123' });
  emulator.addUser({ email: 'bob@example.com', orgId: '700123' });
  const code = emulator.issueGrantCode({ client, user });
  const { body } = await token(emulator.accountsUrl(), {
    grant_type: 'authorization_code',
    client_id: client.clientId,
    client_secret: client.clientSecret,
    code,
    redirect_uri: client.redirectUri,
  });
  const me = await crm(emulator.apiDomain(), '/crm/v8/users?type=CurrentUser', bearer(String(body.access_token)));
  assert.equal(me.status, 200);
  const users = me.body.users as Record<string, unknown>[];
  assert.equal(users.length, 1);
  assert.deepEqual(
    {
      id: users[0]!.id,
      email: users[0]!.email,
      full_name: users[0]!.full_name,
      first_name: users[0]!.first_name,
      last_name: users[0]!.last_name,
    },
    { id: user.id, email: 'ada@example.com', full_name: 'Ada King Lovelace', first_name: 'Ada', last_name: 'King Lovelace' },
  );
  const all = await crm(emulator.apiDomain(), '/crm/v8/users', bearer(String(body.access_token)));
  assert.deepEqual(
    (all.body.users as { email: string }[]).map((u) => u.email),
    ['ada@example.com', 'bob@example.com'],
  );
});

test('other CRM paths answer 200 with an empty data list naming the path', async (t) => {
  const emulator = await startEmulator(t);
  const { accessToken } = await grantFor(emulator);
  const leads = await crm(emulator.apiDomain(), '/crm/v8/Leads?fields=Last_Name', bearer(accessToken));
  assert.deepEqual(leads, { status: 200, body: { data: [], method: 'GET', path: '/crm/v8/Leads' } });
  const posted = await fetch(`${emulator.apiDomain()}/crm/v2/Contacts`, {
    method: 'POST',
    headers: { authorization: bearer(accessToken) },
    body: '{"data":[]}',
  });
  assert.deepEqual(await posted.json(), { data: [], method: 'POST', path: '/crm/v2/Contacts' });
});

test('no Authorization header, or a malformed one, is 401 AUTHENTICATION_FAILURE', async (t) => {
  const emulator = await startEmulator(t);
  const { accessToken } = await grantFor(emulator);
  for (const header of [null, '', 'Zoho-oauthtoken', `Bearer ${accessToken}`, `Zoho-oauthtoken ${accessToken} extra`, accessToken]) {
    const answer = await crm(emulator.apiDomain(), '/crm/v8/users?type=CurrentUser', header);
    assert.equal(answer.status, 401, `header ${header === null ? 'absent' : 'malformed'}`);
    assert.deepEqual(answer.body, { code: AUTH_FAILURE, details: {}, message: 'Authentication failed', status: 'error' });
  }
  assert.equal(emulator.stats.invalidTokenResponses(), 0);
});

test("an unknown token, or another data center's, is 401 INVALID_TOKEN", async (t) => {
  const emulator = await startEmulator(t);
  const { accessToken } = await grantFor(emulator, 'eu');
  assert.equal((await crm(emulator.apiDomain('eu'), '/crm/v8/Leads', bearer(accessToken))).status, 200);
  const atUs = await crm(emulator.apiDomain('us'), '/crm/v8/Leads', bearer(accessToken));
  assert.deepEqual(atUs, { status: 401, body: { code: 'INVALID_TOKEN', details: {}, message: 'invalid oauth token', status: 'error' } });
  const unknown = await crm(emulator.apiDomain('eu'), '/crm/v8/Leads', 'Zoho-oauthtoken 1000.aa.bb');
  assert.equal(unknown.body.code, 'INVALID_TOKEN');
  assert.equal(emulator.stats.invalidTokenResponses(), 2);
  assert.equal(emulator.stats.apiRequests(), 3);
});

test('a token with no ZohoCRM scope is 401 OAUTH_SCOPE_MISMATCH', async (t) => {
  const emulator = await startEmulator(t);
  const client = emulator.registerClient();
  const user = emulator.addUser();
  const code = emulator.issueGrantCode({ client, user, scope: ['ZohoBooks.fullaccess.all'] });
  const { body } = await token(emulator.accountsUrl(), {
    grant_type: 'authorization_code',
    client_id: client.clientId,
    client_secret: client.clientSecret,
    code,
    redirect_uri: client.redirectUri,
  });
  const answer = await crm(emulator.apiDomain(), '/crm/v8/Leads', bearer(String(body.access_token)));
  assert.equal(answer.status, 401);
  assert.equal(answer.body.code, 'OAUTH_SCOPE_MISMATCH');
});

test("a module seeded with addRecords answers Zoho's Records API: the token user's records only, paged, 204 when none", async (t) => {
  const emulator = await startEmulator(t);
  const client = emulator.registerClient();
  const ada = emulator.addUser({ email: 'ada@example.com', fullName: 'Ada Lovelace' });
  const bob = emulator.addUser({ email: 'bob@example.com' });
  const carol = emulator.addUser({ email: 'carol@example.com' });
  const seeded = emulator.addRecords(ada, 'Contacts', [
    { Full_Name: 'One', Email: 'one@example.com' },
    { Full_Name: 'Two' },
    { Full_Name: 'Three' },
  ]);
  emulator.addRecords(bob, 'Contacts', [{ Full_Name: 'Bob’s own' }]);
  const tokenOf = async (user: typeof ada) => {
    const code = emulator.issueGrantCode({ client, user });
    const { body } = await token(emulator.accountsUrl(), {
      grant_type: 'authorization_code',
      client_id: client.clientId,
      client_secret: client.clientSecret,
      code,
      redirect_uri: client.redirectUri,
    });
    return bearer(String(body.access_token));
  };
  const adaAuth = await tokenOf(ada);
  const all = await crm(emulator.apiDomain(), '/crm/v8/contacts?fields=Full_Name', adaAuth);
  assert.equal(all.status, 200);
  assert.deepEqual(
    all.body.data,
    seeded.map((record) => ({ id: record.id, Full_Name: record.Full_Name })),
  );
  assert.deepEqual((all.body.info as Record<string, unknown>).more_records, false);
  const page = await crm(emulator.apiDomain(), '/crm/v8/Contacts?per_page=2&page=1', adaAuth);
  assert.deepEqual(
    (page.body.data as { Full_Name: string }[]).map((record) => record.Full_Name),
    ['One', 'Two'],
  );
  assert.deepEqual(page.body.info, { per_page: 2, count: 2, page: 1, sort_by: 'id', sort_order: 'desc', more_records: true });
  assert.deepEqual((page.body.data as { Owner: unknown }[])[0]?.Owner, { id: ada.id, name: 'Ada Lovelace', email: 'ada@example.com' });
  const beyond = await fetch(`${emulator.apiDomain()}/crm/v8/Contacts?page=3&per_page=2`, { headers: { authorization: adaAuth } });
  assert.equal(beyond.status, 204);
  assert.equal(await beyond.text(), '');
  const none = await fetch(`${emulator.apiDomain()}/crm/v8/Contacts`, { headers: { authorization: await tokenOf(carol) } });
  assert.equal(none.status, 204, 'a user with no records gets 204 No Content, as at Zoho');
  assert.throws(() => emulator.addRecords(ada, 'users', []), /module API name/);
  assert.throws(() => emulator.addRecords(ada, 'Contacts', ['x' as never]), /list of objects/);
});
