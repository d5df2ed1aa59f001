// parseAuthorizationRedirect takes what servers hand over: an absolute URL, or node:http's / Express's request path
// with the app's base URL; anything else is a TokenArgumentError that says what to pass, never ERR_INVALID_URL.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { describe, test } from 'node:test';
import { authorizationUrl, ErrorCode, parseAuthorizationRedirect, TokenArgumentError, type AuthorizationRedirect } from 'zoho-token-store';

const QUERY = 'state=s1&code=1000.abc.def&location=eu&accounts-server=https%3A%2F%2Faccounts.zoho.eu';
const EXPECTED = { code: '1000.abc.def', state: 's1', location: 'eu', accountsServer: 'https://accounts.zoho.eu' };

/** Asserts a TokenArgumentError with INVALID_ARGUMENT whose message matches `message`. */
function refused(call: () => unknown, message: RegExp): void {
  assert.throws(call, (error: unknown) => {
    assert.ok(error instanceof TokenArgumentError, `expected a TokenArgumentError, got ${String(error)}`);
    assert.equal(error.code, ErrorCode.INVALID_ARGUMENT);
    assert.match(error.message, message);
    return true;
  });
}

describe('parseAuthorizationRedirect', () => {
  test('an absolute URL, as a string or a URL', () => {
    assert.deepEqual({ ...parseAuthorizationRedirect(`https://app.example.com/callback?${QUERY}`) }, EXPECTED);
    assert.deepEqual({ ...parseAuthorizationRedirect(new URL(`https://app.example.com/callback?${QUERY}`)) }, EXPECTED);
  });

  test("the request path node:http hands over, with the app's base URL (string or URL)", async () => {
    const seen: AuthorizationRedirect[] = [];
    const server = createServer((request, response) => {
      seen.push(parseAuthorizationRedirect(request.url ?? '', { baseUrl: 'https://app.example.com' }));
      seen.push(parseAuthorizationRedirect(request.url ?? '', { baseUrl: new URL('https://app.example.com/some/base/') }));
      response.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const response = await fetch(`http://127.0.0.1:${port}/callback?${QUERY}`);
      assert.equal(response.status, 200);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    assert.deepEqual(
      seen.map((redirect) => ({ ...redirect })),
      [EXPECTED, EXPECTED],
    );
  });

  test('garbage is a TokenArgumentError (INVALID_ARGUMENT) that says what to pass, never ERR_INVALID_URL', () => {
    refused(() => parseAuthorizationRedirect(`/callback?${QUERY}`), /request path.*baseUrl: 'https:\/\/app\.example\.com'/);
    for (const value of [undefined, null, 42, {}, '', '   ']) {
      refused(() => parseAuthorizationRedirect(value as never), /needs the redirect \(a URL string or URL\)/);
    }
    refused(() => parseAuthorizationRedirect('http://[::1', { baseUrl: 'https://app.example.com' }), /not a URL or a request path/);
    refused(
      () => parseAuthorizationRedirect(`/callback?${QUERY}`, { baseUrl: 'app.example.com' }),
      /baseUrl must be the app's absolute base URL/,
    );
    refused(() => parseAuthorizationRedirect(`/callback?${QUERY}`, { base: 'https://app.example.com' } as never), /unknown option "base"/);
    refused(() => parseAuthorizationRedirect(`/callback?${QUERY}`, null as never), /options must be an object/);
    refused(
      () =>
        authorizationUrl({
          accountsUrl: 'accounts.zoho.com',
          clientId: '1000.X',
          redirectUri: 'https://app.example.com/cb',
          scope: ['ZohoCRM.users.READ'],
        }),
      /absolute URL/,
    );
  });

  test('messages never repeat the redirect (it holds the grant code)', () => {
    try {
      parseAuthorizationRedirect('/callback?code=1000.secretcode.value');
      assert.fail('expected a refusal');
    } catch (error) {
      assert.doesNotMatch((error as Error).message, /secretcode/);
    }
  });
});
