// exchangeGrant talks only to accounts servers the manager knows: a forged `accounts-server` in the callback gets
// nothing (not a connection), while Zoho's data centers (the emulator stands in for them) and a configured custom
// environment keep working.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  allZohoEnvironments,
  customEnvironment,
  ErrorCode,
  isKnownAccountsServer,
  MemoryStore,
  parseAuthorizationRedirect,
  TokenStoreError,
  zohoEnvironment,
  type DataCenterCode,
} from 'zoho-token-store';
import { RecordingServer } from '../_recording-server.js';
import { LifecycleHarness } from './_harness.js';

let h: LifecycleHarness;
let forged: RecordingServer;
before(async () => {
  h = await LifecycleHarness.start({ dataCenters: ['us', 'eu'] });
  forged = await RecordingServer.start();
});
after(async () => {
  await forged.close();
  await h.close();
  h.assertNoSecretLeaked();
});

/** A fetch that records every URL the manager asks for, then passes the request on (through the harness's capture). */
function spyFetch(): { fetch: typeof fetch; urls: string[] } {
  const urls: string[] = [];
  return {
    urls,
    fetch: (input, init) => {
      urls.push(String(input instanceof Request ? input.url : input));
      return h.fetch(input, init);
    },
  };
}

/** The callback a forger sends the app: a real-looking code and an accounts-server of their choosing. */
const forgedCallback = (accountsServer: string) =>
  `https://app.example.com/callback?state=s1&code=1000.0123456789abcdef.fedcba9876543210&location=us&accounts-server=${encodeURIComponent(accountsServer)}`;

describe('a forged accounts-server is refused before anything is sent', () => {
  test('a loopback server named by the callback: UNTRUSTED_ACCOUNTS_SERVER, and it receives no connection', async () => {
    const spy = spyFetch();
    const manager = h.manager({ store: new MemoryStore(), fetch: spy.fetch });
    const client = h.client();
    const redirect = parseAuthorizationRedirect(forgedCallback(forged.origin));
    const codesBefore = h.emulator.stats.codeExchanges();
    const error = await h.rejects(
      manager.exchangeGrant({
        code: redirect.code,
        accountsServer: redirect.accountsServer,
        clientId: client.clientId,
        clientSecret: client.clientSecret,
      }),
      ErrorCode.UNTRUSTED_ACCOUNTS_SERVER,
    );
    assert.ok(error instanceof TokenStoreError);
    assert.equal(forged.connections, 0, 'the forged server got no connection');
    assert.deepEqual(forged.requests, []);
    assert.deepEqual(spy.urls, [], 'nothing was fetched at all');
    assert.equal(h.emulator.stats.codeExchanges(), codesBefore);
    assert.ok(error.message.includes(forged.origin), 'the message names the refused origin');
    assert.match(error.message, /customEnvironment/, 'and says how to allow a server of your own');
    assert.ok(!error.message.includes(client.clientSecret) && !error.message.includes(redirect.code));
    assert.equal((await manager.store.getTokens()).length, 0);
  });

  test('look-alikes of Zoho and of the emulator, and values that are not URLs: refused, nothing fetched', async () => {
    const spy = spyFetch();
    const manager = h.manager({ store: new MemoryStore(), fetch: spy.fetch });
    const client = h.client();
    const emulatorUs = new URL(h.emulator.accountsUrl('us'));
    const lookAlikes = [
      'http://accounts.zoho.com', // Zoho's host over plain http
      'https://accounts.zoho.com:8443',
      'https://accounts.zoho.com.example.net',
      'https://accounts.zoho.com@127.0.0.1:9', // user info: the host is 127.0.0.1
      'https://evil.example/accounts.zoho.com',
      `http://localhost:${emulatorUs.port}`, // the emulator's port on another host name
      `${emulatorUs.protocol}//${emulatorUs.hostname}:${Number(emulatorUs.port) === 65_535 ? 1 : Number(emulatorUs.port) + 1000}`,
      'accounts.zoho.com',
      'javascript:alert(1)',
      'file:///etc/passwd',
      '',
    ];
    for (const accountsServer of lookAlikes) {
      const exchange = manager.exchangeGrant({
        code: '1000.abc.def',
        accountsServer,
        clientId: client.clientId,
        clientSecret: client.clientSecret,
      });
      await h.rejects(exchange, ErrorCode.UNTRUSTED_ACCOUNTS_SERVER);
      assert.equal(isKnownAccountsServer(accountsServer, [h.emulator.environment('us')]), false, accountsServer);
    }
    assert.deepEqual(spy.urls, []);
    await assert.rejects(manager.exchangeGrant({ code: '1000.abc.def', accountsServer: 42 as never }), {
      code: ErrorCode.INVALID_ARGUMENT,
    });
  });
});

describe('known servers still work', () => {
  test('isKnownAccountsServer: every Zoho data center (string or URL), and the environments given, compared by origin', () => {
    for (const environment of allZohoEnvironments()) {
      assert.equal(isKnownAccountsServer(environment.accountsUrl), true, environment.accountsUrl);
      assert.equal(isKnownAccountsServer(new URL(environment.accountsUrl)), true);
      assert.equal(isKnownAccountsServer(`${environment.accountsUrl}/`), true);
    }
    const own = customEnvironment({ accountsUrl: 'https://login.example.com/realms/crm', apiDomain: 'https://api.example.com' });
    assert.equal(isKnownAccountsServer('https://login.example.com', [own]), true);
    assert.equal(isKnownAccountsServer('https://login.example.com'), false);
    assert.equal(isKnownAccountsServer(forged.origin, [own, h.emulator.environment('us')]), false);
    assert.equal(isKnownAccountsServer(undefined as never), false);
  });

  test('a Zoho data center named by the redirect (accounts.zoho.eu, served by the emulator): exchanged there', async () => {
    // Zoho's hosts mapped to the emulator's data centers: the manager knows only Zoho's own environments.
    const sent: string[] = [];
    const zohoOnEmulator: typeof fetch = (input, init) => {
      const url = new URL(String(input instanceof Request ? input.url : input));
      sent.push(url.origin + url.pathname);
      const dc = (['us', 'eu'] as DataCenterCode[]).find((code) => zohoEnvironment(code).accountsUrl === url.origin);
      const target = dc ? new URL(url.pathname + url.search, h.emulator.accountsUrl(dc)) : url;
      return h.fetch(target, init);
    };
    const manager = h.manager({ store: new MemoryStore(), environment: zohoEnvironment('us'), environments: [], fetch: zohoOnEmulator });
    const client = h.client({ dataCenter: 'eu' });
    const user = h.user({ dataCenter: 'eu' });
    const code = h.grantCode(client, user);
    const callback = `https://app.example.com/callback?state=s1&code=${code}&location=eu&accounts-server=${encodeURIComponent('https://accounts.zoho.eu')}`;
    const redirect = parseAuthorizationRedirect(callback);
    const token = await manager.exchangeGrant({
      code: redirect.code,
      accountsServer: redirect.accountsServer,
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      redirectUri: client.redirectUri,
    });
    h.remember(token);
    assert.equal(sent[0], 'https://accounts.zoho.eu/oauth/v2/token');
    assert.equal(token.userName, user.email);
    assert.equal(token.apiDomain, h.emulator.apiDomain('eu'));
  });

  test("a configured custom environment (the emulator's EU server, named with a trailing slash): exchanged there", async () => {
    const eu = customEnvironment({ accountsUrl: h.emulator.accountsUrl('eu'), apiDomain: h.emulator.apiDomain('eu') });
    const manager = h.manager({ store: new MemoryStore(), environment: zohoEnvironment('us'), environments: [eu] });
    const client = h.client({ dataCenter: 'eu' });
    const user = h.user({ dataCenter: 'eu' });
    const exchanges = h.emulator.stats.codeExchanges();
    const token = await manager.exchangeGrant({
      code: h.grantCode(client, user),
      accountsServer: `${h.emulator.accountsUrl('eu')}/`,
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      redirectUri: client.redirectUri,
    });
    h.remember(token);
    assert.equal(h.emulator.stats.codeExchanges(), exchanges + 1);
    assert.equal(token.userName, user.email);
    assert.equal(isKnownAccountsServer(h.emulator.accountsUrl('eu'), [eu]), true);
  });
});
