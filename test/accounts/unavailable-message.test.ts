// ACCOUNTS_UNAVAILABLE names the network error (the code undici keeps in `cause`), never a URL query or a secret.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { customEnvironment, MemoryStore, OAuthToken, TokenManager } from 'zoho-token-store';
import { AccountsClient } from 'zoho-token-store/accounts';
import { freePort } from '../_free-port.js';

const SECRET = 'S3CRET-client-secret';
const REFRESH = '1000.refresh-token-value';
const retry = { attempts: 2, baseDelayMs: 1, maxDelayMs: 2, timeoutMs: 5_000 };

function refusedWithout(message: RegExp) {
  return (error: Error & { code?: string }) => {
    assert.equal(error.code, 'ACCOUNTS_UNAVAILABLE');
    assert.match(error.message, message);
    for (const secret of [SECRET, REFRESH, 'secret=', '?']) assert.ok(!error.message.includes(secret), `no ${secret} in: ${error.message}`);
    return true;
  };
}

describe('ACCOUNTS_UNAVAILABLE message', () => {
  test('a closed local port: the message names ECONNREFUSED', async () => {
    const port = await freePort();
    const accounts = new AccountsClient({ retry });
    await assert.rejects(
      accounts.refresh({
        accountsUrl: `http://127.0.0.1:${port}/base?secret=${SECRET}`,
        clientId: 'c',
        clientSecret: SECRET,
        refreshToken: REFRESH,
      }),
      refusedWithout(/after 2 tries \(last: ECONNREFUSED\)/),
    );
  });

  test('port 1, which fetch refuses to connect to: the message says so instead of "Error"', async () => {
    const accounts = new AccountsClient({ retry });
    await assert.rejects(
      accounts.refresh({ accountsUrl: 'http://127.0.0.1:1', clientId: 'c', clientSecret: SECRET, refreshToken: REFRESH }),
      refusedWithout(/after 2 tries \(last: bad port \(fetch does not connect to this port; use another\)\)/),
    );
  });

  test('a TokenManager whose environment points at a closed port', async () => {
    const port = await freePort();
    const environment = customEnvironment({ accountsUrl: `http://127.0.0.1:${port}`, apiDomain: `http://127.0.0.1:${port}` });
    const token = new OAuthToken({ refreshToken: REFRESH, clientId: 'c', clientSecret: SECRET, userSignature: 'ada@example.com' });
    const manager = new TokenManager({ store: new MemoryStore(), environment, tokens: token, retry, refreshBudget: false });
    try {
      await assert.rejects(manager.accessToken(), refusedWithout(/last: ECONNREFUSED/));
    } finally {
      await manager.close();
    }
  });

  const failing =
    (error: unknown): typeof fetch =>
    () =>
      Promise.reject(error);
  const fetchFailed = (cause: unknown) => Object.assign(new TypeError('fetch failed'), { cause });
  const cases: readonly [string, unknown, string][] = [
    ['the code in cause', fetchFailed(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })), 'ECONNRESET'],
    [
      'the code nested a level deeper',
      fetchFailed(Object.assign(new Error('connect'), { cause: Object.assign(new Error('x'), { code: 'UND_ERR_CONNECT_TIMEOUT' }) })),
      'UND_ERR_CONNECT_TIMEOUT',
    ],
    [
      'an AggregateError of every address',
      fetchFailed(
        new AggregateError([
          Object.assign(new Error('a'), { code: 'ECONNREFUSED' }),
          Object.assign(new Error('b'), { code: 'ECONNREFUSED' }),
        ]),
      ),
      'ECONNREFUSED',
    ],
    ['a port fetch will not use', fetchFailed(new Error('bad port')), 'bad port'],
  ];
  for (const [what, error, reason] of cases) {
    test(`names the reason: ${what}`, async () => {
      const accounts = new AccountsClient({ retry, fetch: failing(error) });
      await assert.rejects(
        accounts.refresh({ accountsUrl: 'https://accounts.example.com', clientId: 'c', clientSecret: SECRET, refreshToken: REFRESH }),
        refusedWithout(new RegExp(`\\(last: ${reason}`)),
      );
    });
  }
});
