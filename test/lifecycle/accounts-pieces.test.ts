import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { authorizationUrl, parseAuthorizationRedirect } from 'zoho-token-store';
import { AccountsClient } from 'zoho-token-store/accounts';
import { backoffDelayMs, retryPolicyOf } from '../../src/accounts/retry-policy.js';
import { parseTokenResponse } from '../../src/accounts/token-response.js';

describe('accounts pieces', () => {
  test('backoff: full jitter under an exponential ceiling, capped at maxDelayMs', () => {
    const policy = retryPolicyOf({ baseDelayMs: 100, maxDelayMs: 1_000 });
    assert.equal(
      backoffDelayMs(policy, 1, () => 0.999),
      99,
    );
    assert.equal(
      backoffDelayMs(policy, 3, () => 0.999),
      399,
    );
    assert.equal(
      backoffDelayMs(policy, 10, () => 0.999),
      999,
      'capped',
    );
    assert.equal(
      backoffDelayMs(policy, 10, () => 0),
      0,
    );
    const samples = Array.from({ length: 200 }, () => backoffDelayMs(policy, 4));
    assert.ok(samples.every((delay) => delay >= 0 && delay < 800));
    assert.ok(new Set(samples).size > 50, 'jittered');
  });

  test('retry settings are validated: INVALID_CONFIG names the setting', () => {
    assert.throws(() => retryPolicyOf({ attempts: 0 }), { code: 'INVALID_CONFIG', message: /retry\.attempts/ });
    assert.throws(() => new AccountsClient({ retry: { timeoutMs: 1.5 } }), { code: 'INVALID_CONFIG', message: /retry\.timeoutMs/ });
  });

  test('token responses: seconds, the legacy milliseconds format, rotation, scope, and no access token', () => {
    const sentAt = 1_000_000;
    assert.equal(parseTokenResponse({ access_token: 'a', expires_in: 3600 }, sentAt).expiresAt, sentAt + 3_600_000);
    assert.equal(
      parseTokenResponse({ access_token: 'a', expires_in: 3_600_000, expires_in_sec: 3600 }, sentAt).expiresAt,
      sentAt + 3_600_000,
    );
    const rotated = parseTokenResponse({ access_token: 'a', refresh_token: 'r', scope: 'ZohoCRM.modules.ALL ZohoCRM.users.READ' }, sentAt);
    assert.equal(rotated.refreshToken, 'r');
    assert.deepEqual(rotated.scope, ['ZohoCRM.modules.ALL', 'ZohoCRM.users.READ']);
    assert.equal(rotated.expiresAt, sentAt + 3_600_000, "no expires_in: Zoho's one hour");
    assert.throws(() => parseTokenResponse({ token_type: 'Bearer' }, sentAt), { code: 'ACCOUNTS_PROTOCOL' });
  });

  test('authorization URL and redirect', () => {
    const url = authorizationUrl({
      accountsUrl: 'https://accounts.zoho.com',
      clientId: '1000.X',
      redirectUri: 'https://app.example.com/cb',
      scope: ['ZohoCRM.modules.ALL', 'ZohoCRM.users.READ'],
      state: 's1',
    });
    assert.equal(url.origin + url.pathname, 'https://accounts.zoho.com/oauth/v2/auth');
    assert.equal(url.searchParams.get('scope'), 'ZohoCRM.modules.ALL,ZohoCRM.users.READ');
    assert.equal(url.searchParams.get('access_type'), 'offline');
    assert.equal(url.searchParams.get('prompt'), 'consent');
    const back = parseAuthorizationRedirect(
      'https://app.example.com/cb?state=s1&code=1000.abc.def&location=eu&accounts-server=https%3A%2F%2Faccounts.zoho.eu',
    );
    assert.deepEqual({ ...back }, { code: '1000.abc.def', state: 's1', location: 'eu', accountsServer: 'https://accounts.zoho.eu' });
    assert.throws(() => parseAuthorizationRedirect('https://app.example.com/cb?error=access_denied'), { code: 'INVALID_ARGUMENT' });
    assert.throws(() => parseAuthorizationRedirect('https://app.example.com/cb?state=s1'), { code: 'INVALID_ARGUMENT' });
  });
});
