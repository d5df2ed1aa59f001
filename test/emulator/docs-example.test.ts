// The example in docs/emulator.md (test/emulator/docs.test.ts checks that the document shows this file).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AccountsEmulator } from 'zoho-token-store/testing';

test('exchange a grant code, refresh, call the CRM, hit the limit', async (t) => {
  const zoho = await AccountsEmulator.start({ dataCenters: ['us', 'eu'] });
  t.after(() => zoho.close());
  const client = zoho.registerClient();
  const user = zoho.addUser({ email: 'ada@example.com', dataCenter: 'eu' });
  const code = zoho.issueGrantCode({ client, user });

  const post = async (params: Record<string, string>) => {
    const response = await fetch(`${zoho.accountsUrl('eu')}/oauth/v2/token`, { method: 'POST', body: new URLSearchParams(params) });
    return (await response.json()) as Record<string, string>;
  };
  const credentials = { client_id: client.clientId, client_secret: client.clientSecret };
  const tokens = await post({ ...credentials, grant_type: 'authorization_code', code, redirect_uri: client.redirectUri });
  assert.equal(tokens.api_domain, zoho.apiDomain('eu'));

  const me = await fetch(`${tokens.api_domain}/crm/v8/users?type=CurrentUser`, {
    headers: { Authorization: `Zoho-oauthtoken ${tokens.access_token}` },
  });
  assert.equal(((await me.json()) as { users: { email: string }[] }).users[0]?.email, 'ada@example.com');

  const refresh = () => post({ ...credentials, grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });
  for (let i = 0; i < 10; i += 1) assert.ok((await refresh()).access_token);
  assert.equal((await refresh()).error, 'Access Denied'); // the 11th in 10 minutes is throttled
  zoho.clock.advance(600_000);
  assert.ok((await refresh()).access_token);

  assert.equal(zoho.stats.refreshRequests(tokens.refresh_token), 12);
});
