// The whole life of a Zoho OAuth token, against the local accounts emulator: authorize, exchange, save, API call,
// expiry, refresh, a second user in another data center, revoke. Every secret prints masked.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authorizationUrl, maskSecret, parseAuthorizationRedirect, TokenManager, type TokenStore } from 'zoho-token-store';
import { SQLiteStore } from 'zoho-token-store/sqlite';
import { AccountsEmulator, type EmulatorClient, type EmulatorUser } from 'zoho-token-store/testing';

const HOUR = 3_600_000;
let stepNumber = 0;

function step(title: string): void {
  stepNumber += 1;
  console.log(`\n${stepNumber}. ${title}`);
}

function say(line: string): void {
  console.log(`   ${line}`);
}

async function showStore(store: TokenStore, now: number): Promise<void> {
  const tokens = await store.getTokens();
  say(`the store holds ${tokens.length} token${tokens.length === 1 ? '' : 's'}:`);
  for (const token of tokens) {
    const masked = token.toMasked();
    const left = token.expiresAt === null ? 'no expiry' : `expires in ${Math.round((token.expiresAt - now) / 60_000)} min`;
    say(`  #${masked.id} ${masked.userName}  access ${masked.accessToken}  refresh ${masked.refreshToken}  ${left}  ${masked.apiDomain}`);
  }
}

/** What a browser does: open the authorize URL, sign in (the emulator's login_hint), follow Zoho's redirect back. */
async function authorizeInBrowser(emulator: AccountsEmulator, client: EmulatorClient, user: EmulatorUser) {
  const url = authorizationUrl({
    accountsUrl: emulator.accountsUrl('us'), // every DC but CN starts at accounts.zoho.com
    clientId: client.clientId,
    redirectUri: client.redirectUri,
    scope: ['ZohoCRM.modules.ALL', 'ZohoCRM.users.READ'],
    state: 'demo-state',
  });
  url.searchParams.set('login_hint', user.email);
  const response = await fetch(url, { redirect: 'manual' });
  const redirect = parseAuthorizationRedirect(String(response.headers.get('location')));
  say(`GET /oauth/v2/auth → HTTP ${response.status} to the app's redirect URI`);
  say(`  code ${maskSecret(redirect.code)}, location ${redirect.location}, accounts-server ${redirect.accountsServer}`);
  return redirect;
}

const emulator = await AccountsEmulator.start();
const client = emulator.registerClient();
const ada = emulator.addUser({ email: 'ada@example.com', fullName: 'Ada Lovelace', dataCenter: 'us' });
const bob = emulator.addUser({ email: 'bob@example.eu', fullName: 'Bob Ross', dataCenter: 'eu' });
// The default store, SQLite on a file; in a temporary folder here so the demo leaves nothing behind.
const folder = mkdtempSync(join(tmpdir(), 'zoho-token-store-demo-'));
const store = await SQLiteStore.open({ path: join(folder, 'zohooauth.db') });
const manager = new TokenManager({
  environment: emulator.environment('us'),
  environments: emulator.dataCenters.map((dc) => emulator.environment(dc)),
  store,
  clock: emulator.clock, // expiry follows the emulator's clock, which the demo moves forward
  client: { clientId: client.clientId, clientSecret: client.clientSecret, redirectUri: client.redirectUri },
});
manager.on('refreshed', (e) => say(`  [event refreshed] token #${e.tokenId} of ${e.userName} (${e.grantType}, ${e.reason})`));
manager.on('saved', (e) => say(`  [event saved] token #${e.tokenId} of ${e.userName}`));
manager.on('revoked', (e) => say(`  [event revoked] token #${e.tokenId} of ${e.userName} (at Zoho: ${e.remote})`));

console.log('zoho-token-store lifecycle demo, against the accounts emulator (127.0.0.1, nine data centers)');
console.log(`Tokens are kept by SQLiteStore in ${store.path}`);
try {
  step(`Ada (US) authorizes the app (client ${client.clientId})`);
  const adaRedirect = await authorizeInBrowser(emulator, client, ada);

  step('The app exchanges the grant code at the accounts server the redirect named, and saves the tokens');
  const adaToken = await manager.exchangeGrant({ code: adaRedirect.code, accountsServer: adaRedirect.accountsServer });
  say(`exchanged: ${emulator.stats.codeExchanges()} code exchange; user named by the CRM's current user: ${adaToken.userName}`);
  await showStore(store, emulator.clock.now());

  step('An API call for Ada: GET /crm/v8/users?type=CurrentUser with the token from the cache');
  const me = await manager.fetch({ user: ada.email }, '/crm/v8/users?type=CurrentUser');
  const meBody = (await me.json()) as { users: Array<{ email: string; full_name: string }> };
  say(`HTTP ${me.status}: ${meBody.users[0]?.full_name} <${meBody.users[0]?.email}>`);

  step('One hour passes (the emulator clock moves forward): the access token expires');
  emulator.clock.advance(HOUR);
  const stale = await fetch(`${emulator.apiDomain('us')}/crm/v8/Leads`, {
    headers: { Authorization: `Zoho-oauthtoken ${adaToken.accessToken}` },
  });
  say(`the old access token now gets HTTP ${stale.status} ${((await stale.json()) as { code: string }).code}`);

  step('20 concurrent API calls for Ada: the manager refreshes once for all of them, and saves');
  const before = emulator.stats.refreshRequests();
  const calls = await Promise.all(Array.from({ length: 20 }, () => manager.fetch({ user: ada.email }, '/crm/v8/Leads')));
  say(`${calls.filter((r) => r.status === 200).length} × HTTP 200; refresh requests sent: ${emulator.stats.refreshRequests() - before}`);
  await showStore(store, emulator.clock.now());

  step('Bob (EU) authorizes: accounts.zoho.com redirects him to the EU accounts server');
  const bobRedirect = await authorizeInBrowser(emulator, client, bob);
  const bobToken = await manager.exchangeGrant({ code: bobRedirect.code, accountsServer: bobRedirect.accountsServer });
  say(`Bob's api_domain is the EU one: ${bobToken.apiDomain === emulator.apiDomain('eu')}`);

  step('Interleaved calls for Ada and Bob: each gets their own token, with no "current user" to switch');
  const mixed = await Promise.all(
    [ada, bob, ada, bob, bob, ada].map(async (user) => {
      const response = await manager.fetch({ user: user.email }, '/crm/v8/users?type=CurrentUser');
      const body = (await response.json()) as { users: Array<{ email: string }> };
      return `${user.email} → ${body.users[0]?.email}`;
    }),
  );
  for (const line of mixed) say(line);
  await showStore(store, emulator.clock.now());

  step('Ada leaves: revoke her refresh token at Zoho, then delete her token');
  const adaLast = await manager.accessToken({ user: ada.email });
  await manager.revoke({ user: ada.email });
  const after = await fetch(`${emulator.apiDomain('us')}/crm/v8/Leads`, { headers: { Authorization: `Zoho-oauthtoken ${adaLast}` } });
  say(`revoke requests: ${emulator.stats.revokes()}; Ada's old token gets HTTP ${after.status}`);
  await showStore(store, emulator.clock.now());

  console.log(
    `\nDone: ${emulator.stats.codeExchanges()} code exchanges, ${emulator.stats.refreshRequests()} refresh request(s), ` +
      `${emulator.stats.apiRequests()} API requests, ${emulator.stats.throttled()} throttled.`,
  );
} finally {
  await manager.close();
  await store.close();
  await emulator.close();
  rmSync(folder, { recursive: true, force: true });
}
