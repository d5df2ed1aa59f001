// TokenManager and customEnvironment options: every bad option is refused when the manager is built, with
// INVALID_CONFIG and a message that says what to do, instead of being dropped or failing later as a TypeError.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  consoleLogger,
  customEnvironment,
  MemoryStore,
  OAuthToken,
  systemClock,
  TokenManager,
  type TokenManagerOptions,
  zohoEnvironment,
} from 'zoho-token-store';
import { AccountsClient } from 'zoho-token-store/accounts';

const SECRET = 'S3CRET-client-secret-value';
const client = { clientId: '1000.CLIENT', clientSecret: SECRET };
const env = (fields: object) => ({ ...zohoEnvironment('eu'), ...fields });

// [what is wrong, the options, what the message must say]
const BAD: readonly [string, unknown, RegExp][] = [
  ['options not an object', 'us', /options must be an object/],
  ['unknown top-level option', { refreshMargin: 1 }, /unknown option "refreshMargin".*Did you mean "refreshMarginMs"\?/],
  ['retry: unknown name (tries)', { retry: { tries: 0 } }, /retry.*unknown option "tries".*attempts.*Did you mean "attempts"\?/],
  ['retry: timeout without Ms', { retry: { timeout: 5 } }, /Did you mean "timeoutMs"\?/],
  ['retry: attempts 0', { retry: { attempts: 0 } }, /retry\.attempts must be a whole number from 1/],
  ['retry: fractional delay', { retry: { baseDelayMs: 1.5 } }, /retry\.baseDelayMs/],
  ['retry: timeout past a timer', { retry: { timeoutMs: 2 ** 31 } }, /retry\.timeoutMs .* to 2147483647/],
  ['retry: not an object', { retry: 3 }, /retry option must be an object/],
  ['retry checked even with accounts', { accounts: new AccountsClient(), retry: { tries: 2 } }, /Did you mean "attempts"\?/],
  ['accounts: options object', { accounts: { timeout: 5 } }, /"accounts" must be an AccountsClient.*refresh/],
  ['accounts: a number', { accounts: 5 }, /"accounts" must be an AccountsClient/],
  ['accounts: null', { accounts: null }, /"accounts" must be an AccountsClient/],
  [
    'client: redirectURI',
    { client: { ...client, redirectURI: 'http://x' } },
    /"client": unknown option "redirectURI".*Did you mean "redirectUri"\?/,
  ],
  ['client: client_id', { client: { client_id: 'x', clientSecret: SECRET } }, /Did you mean "clientId"\?/],
  ['client: secret', { client: { clientId: 'x', secret: SECRET } }, /Did you mean "clientSecret"\?/],
  ['client: a string', { client: SECRET }, /"client" must be an object/],
  ['client: empty secret', { client: { clientId: 'x', clientSecret: '' } }, /non-empty clientId and clientSecret/],
  [
    'client: redirectUri not a URL',
    { client: { ...client, redirectUri: 'callback' } },
    /client\.redirectUri must be an absolute http\(s\) URL/,
  ],
  ['fetch: a string', { fetch: 'x' }, /"fetch" must be a function/],
  ['fetch: an object', { fetch: { get: () => null } }, /"fetch" must be a function/],
  ['logger: console.log', { logger: console.log }, /"logger" must have debug, info, warn and error/],
  ['logger: missing error', { logger: { debug() {}, info() {}, warn() {} } }, /"logger" must have/],
  ['clock: a number', { clock: 5 }, /"clock" must be an object with a now\(\) method/],
  ['clock: Date', { clock: Date.now }, /"clock" must be an object with a now\(\) method/],
  ['store: {}', { store: {} }, /store must implement the six TokenStore methods/],
  ['store: a location string', { store: 'sqlite:./z.db' }, /store must implement/],
  ['tokens: plain object', { tokens: { refreshToken: 'r' } }, /tokens must be OAuthToken instances/],
  ['environment: a data center code', { environment: 'eu' }, /"environment": .*zohoEnvironment\("eu"\)/],
  ['environment: null', { environment: null }, /"environment": must be an Environment/],
  ['environment: {}', { environment: {} }, /"environment": must be an Environment/],
  ['environment: unknown field', { environment: env({ tokenUrl: '/t' }) }, /unknown option "tokenUrl".*Did you mean "tokenEndpoint"\?/],
  ['environment: bad data center', { environment: env({ dataCenter: 'mars' }) }, /dataCenter must be one of/],
  ['environment: bad kind', { environment: env({ kind: 'staging' }) }, /kind must be production, sandbox or developer/],
  ['environment: accountsUrl not a URL', { environment: env({ accountsUrl: 'accounts.zoho.eu' }) }, /accountsUrl must be an absolute/],
  [
    'environment: apiDomain missing',
    { environment: { dataCenter: 'eu', kind: 'production', accountsUrl: 'https://a' } },
    /must be an Environment/,
  ],
  ['environment: bad clientAuthentication', { environment: env({ clientAuthentication: 'basic' }) }, /clientAuthentication must be/],
  ['environments: a string', { environments: 'eu' }, /"environments" must be an array of Environments/],
  [
    'environments: one Environment',
    { environments: zohoEnvironment('eu') },
    /"environments" must be an array: environments: \[environment\]/,
  ],
  ['environments: [{}]', { environments: [{}] }, /"environments"\[0\]: must be an Environment/],
  ['environments: [code]', { environments: [zohoEnvironment('eu'), 'in'] }, /"environments"\[1\]: .*zohoEnvironment\("in"\)/],
  ['refreshMarginMs: negative', { refreshMarginMs: -1 }, /refreshMarginMs must be a whole number/],
  ['cacheMaxAgeMs: a string', { cacheMaxAgeMs: '60000' }, /cacheMaxAgeMs must be a whole number/],
  ['refreshLock: wait', { refreshLock: { wait: 5 } }, /Did you mean "waitMs"\?/],
  ['refreshLock: leaseMs 0', { refreshLock: { leaseMs: 0 } }, /refreshLock\.leaseMs/],
  ['refreshLock: waitMs past a timer', { refreshLock: { waitMs: 2 ** 31 } }, /refreshLock\.waitMs .*at most 2147483647/],
  ['refreshLock: null', { refreshLock: null }, /"refreshLock" must be an object/],
  ['refreshBudget: true', { refreshBudget: true }, /"refreshBudget" must be an object/],
  ['refreshBudget: window', { refreshBudget: { window: 1 } }, /Did you mean "windowMs"\?/],
  ['refreshBudget: requests 0', { refreshBudget: { requests: 0 } }, /refreshBudget\.requests/],
  ['telemetry: true', { telemetry: true }, /telemetry must be false or \{ api \}/],
];

describe('TokenManager options', () => {
  for (const [what, options, message] of BAD) {
    test(`refused at construction: ${what}`, () => {
      assert.throws(
        () => new TokenManager(options as TokenManagerOptions),
        (error: Error & { code?: string }) => {
          assert.equal(error.name, 'TokenStoreError', error.stack);
          assert.equal(error.code, 'INVALID_CONFIG');
          assert.match(error.message, message);
          assert.ok(!error.message.includes(SECRET), 'no secret in the message');
          return true;
        },
      );
    });
  }

  test('the documented option sets are accepted', async () => {
    const accepted: TokenManagerOptions[] = [
      {},
      { environment: zohoEnvironment('us'), client, logger: consoleLogger('info') },
      { client: { ...client, redirectUri: 'http://localhost:3000/oauth/callback' } },
      // A wider record (the emulator's client has dataCenter; an app's config may have more) is fine.
      { client: { ...client, redirectUri: 'https://app.example.com/cb', dataCenter: 'us', name: 'my app' } as never },
      { client: null as never },
      { environment: zohoEnvironment('eu', 'sandbox'), environments: [zohoEnvironment('in'), zohoEnvironment('au', 'developer')] },
      {
        environment: customEnvironment({ accountsUrl: 'https://login.example.com/realms/app', apiDomain: 'https://api.example.com' }),
        environments: [
          customEnvironment({
            accountsUrl: 'https://idp.example.com',
            apiDomain: 'https://api.example.com',
            tokenEndpoint: '/oauth/token',
            revocationEndpoint: null,
            clientAuthentication: 'client_secret_basic',
          }),
        ],
      },
      { environments: [] },
      { store: new MemoryStore(), tokens: new OAuthToken({ refreshToken: '1000.r', clientId: 'c', clientSecret: SECRET }) },
      { tokens: [] },
      { clock: systemClock, fetch: (input, init) => fetch(input, init) },
      { refreshMarginMs: 0, cacheMaxAgeMs: 0, refreshLock: { waitMs: 0, leaseMs: 1, keepAliveMs: 0 } },
      { refreshLock: { waitMs: 2_147_483_647 } },
      { refreshBudget: false },
      { refreshBudget: { requests: 5, windowMs: 60_000 } },
      { retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0, timeoutMs: 1 } },
      { retry: { attempts: undefined } },
      { accounts: new AccountsClient({ retry: { attempts: 2 } }) },
      { accounts: new AccountsClient(), fetch: (input, init) => fetch(input, init) },
      { telemetry: false },
    ];
    for (const options of accepted) {
      const manager = new TokenManager({ store: new MemoryStore(), ...options });
      await manager.close();
    }
  });
});

describe('customEnvironment and AccountsClient options', () => {
  const base = { accountsUrl: 'https://idp.example.com', apiDomain: 'https://api.example.com' };
  const refused: readonly [string, () => unknown, RegExp][] = [
    [
      'tokenUrl',
      () => customEnvironment({ ...base, tokenUrl: '/t' } as never),
      /customEnvironment: unknown option "tokenUrl".*Did you mean "tokenEndpoint"\?/,
    ],
    ['revocationUrl', () => customEnvironment({ ...base, revocationUrl: '/r' } as never), /Did you mean "revocationEndpoint"\?/],
    ['accountsURL', () => customEnvironment({ ...base, accountsURL: 'x' } as never), /Did you mean "accountsUrl"\?/],
    ['dataCenter', () => customEnvironment({ ...base, dataCenter: 'eu' } as never), /unknown option "dataCenter"/],
    ['bad kind', () => customEnvironment({ ...base, kind: 'prod' as never }), /kind must be production, sandbox or developer/],
    ['AccountsClient: unknown', () => new AccountsClient({ retries: 3 } as never), /AccountsClient options: unknown option "retries"/],
    ['AccountsClient: retry tries', () => new AccountsClient({ retry: { tries: 3 } as never }), /Did you mean "attempts"\?/],
    ['AccountsClient: fetch', () => new AccountsClient({ fetch: 'x' as never }), /AccountsClient option "fetch" must be a function/],
    ['AccountsClient: logger', () => new AccountsClient({ logger: {} as never }), /AccountsClient option "logger" must have/],
    [
      'AccountsClient: clock',
      () => new AccountsClient({ clock: {} as never }),
      /AccountsClient option "clock" must be an object with a now/,
    ],
  ];
  for (const [what, build, message] of refused) {
    test(`refused: ${what}`, () => {
      assert.throws(build, (error: Error & { code?: string }) => {
        assert.equal(error.name, 'TokenStoreError');
        assert.equal(error.code, 'INVALID_CONFIG');
        assert.match(error.message, message);
        return true;
      });
    });
  }

  test('the settings are still taken', () => {
    const server = customEnvironment({
      ...base,
      kind: 'sandbox',
      tokenEndpoint: '/oauth/token',
      clientAuthentication: 'client_secret_basic',
    });
    assert.equal(server.tokenEndpoint, 'https://idp.example.com/oauth/token');
    assert.equal(server.kind, 'sandbox');
  });
});
