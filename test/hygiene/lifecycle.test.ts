// The whole lifecycle at debug level on every store kind (PostgreSQL with a password), with every
// fault the library reports: no log line, event payload, error (causes and util.inspect included), console output
// or inspected object holds an access, refresh or grant token, a client secret or the database password.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ErrorCode, OAuthToken, type TokenManager } from 'zoho-token-store';
import { completeToken } from 'zoho-token-store/testing';
import { LifecycleHarness } from '../lifecycle/_harness.js';
import { PG_PASSWORD, STORE_FAULT_CASES, removeFolder, skipOf, type StoreUnderFault } from '../faults/_store-faults.js';
import { skipUnless } from '../_services.js';
import { REDIS_URL, adminClient, dropPrefix, randomPrefix } from '../stores/_redis-support.js';
import { recovers } from '../faults/_guarantees.js';
import { LeakCheck } from './_leak-check.js';

const HOUR = 3_600_000;
// Short backoffs; no fault here is a timeout, so each try gets a timeout no loaded machine reaches.
const RETRY = { attempts: 2, baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 10_000 };

let h: LifecycleHarness;
before(async () => {
  h = await LifecycleHarness.start({ dataCenters: ['us', 'eu'] });
});
after(async () => {
  await h.close();
  removeFolder();
});

/** Awaits a call that must fail with `code`, and hands the error to the leak check. */
async function expectFailure(leaks: LeakCheck, origin: string, call: Promise<unknown>, code: string): Promise<void> {
  try {
    await call;
  } catch (error) {
    leaks.error(origin, error);
    assert.equal((error as { code?: string }).code, code, `${origin}: ${String(error)}`);
    return;
  }
  assert.fail(`${origin}: expected ${code}`);
}

async function wholeLife(leaks: LeakCheck, under: StoreUnderFault, kind: string): Promise<void> {
  const manager: TokenManager = h.manager({ store: under.store, retry: RETRY, refreshLock: { waitMs: 1_000, leaseMs: 5_000 } });
  leaks.secret(PG_PASSWORD);
  const client = h.client();
  const [ada, bob] = [h.user(), h.user({ dataCenter: 'eu' })];

  // Authorize (grant code exchange) and find.
  const adaToken = await h.authorize(manager, client, ada);
  const bobToken = await h.authorize(manager, client, bob);
  const id = String(adaToken.id);
  leaks.object('a token', adaToken);
  leaks.object('a stored token', await under.store.findToken(new OAuthToken({ userSignature: ada.email })));
  leaks.object('every stored token', await under.store.getTokens());
  // `credentials()` hands out the access token on purpose (it is what a caller asked for): not checked here.
  assert.ok((await manager.credentials({ user: ada.email })).accessToken);

  // Refresh: expiry with 20 concurrent callers, a refused access token, an API call.
  h.emulator.clock.advance(HOUR);
  await Promise.all(Array.from({ length: 20 }, () => manager.accessToken({ id })));
  manager.reportInvalidToken(await manager.accessToken({ id }));
  await manager.accessToken({ id });
  assert.equal((await manager.fetch({ id }, '/crm/v8/users?type=CurrentUser')).status, 200);

  // Forced refresh failures: the accounts server down, throttled, a refused refresh token.
  h.emulator.clock.advance(HOUR);
  h.emulator.faults.failNext(100, 503);
  await expectFailure(leaks, `${kind}: accounts down`, manager.accessToken({ id }), ErrorCode.ACCOUNTS_UNAVAILABLE);
  h.emulator.faults.clear();
  h.emulator.clock.advance(10_000);
  h.emulator.faults.throttleNext(1);
  await expectFailure(leaks, `${kind}: throttled`, manager.accessToken({ id }), ErrorCode.THROTTLED);
  h.emulator.faults.invalidCodeNext(1);
  await expectFailure(leaks, `${kind}: invalid_code`, manager.accessToken({ user: bob.email }), ErrorCode.REAUTHORIZATION_REQUIRED);
  const wrongSecret = await under.store.findTokenById(String(bobToken.id));
  assert.ok(wrongSecret);
  wrongSecret.clientSecret = `wrong-secret-${kind}-0123456789`;
  leaks.secret(wrongSecret.clientSecret);
  const wrongClient = h.manager({ store: under.store, retry: RETRY, tokens: wrongSecret });
  await expectFailure(
    leaks,
    `${kind}: invalid_client_secret`,
    wrongClient.accounts.refresh({
      accountsUrl: h.emulator.accountsUrl('eu'),
      clientId: String(wrongSecret.clientId),
      clientSecret: wrongSecret.clientSecret,
      refreshToken: String(wrongSecret.refreshToken),
    }),
    ErrorCode.INVALID_CLIENT_SECRET,
  );

  // The store failing: before a renewal, and between Zoho's answer and the save.
  h.emulator.clock.advance(HOUR);
  await under.cut();
  await expectFailure(leaks, `${kind}: store down`, manager.accessToken({ id }), ErrorCode.STORE_UNAVAILABLE);
  await expectFailure(leaks, `${kind}: store down (save)`, under.store.saveToken(completeToken()), ErrorCode.STORE_UNAVAILABLE);
  await under.restore();
  await recovers(() => manager.accessToken({ id }), ErrorCode.STORE_UNAVAILABLE);

  // Revoke, then use the revoked token.
  await manager.revoke({ id });
  await expectFailure(leaks, `${kind}: revoked`, manager.accessToken({ id }), ErrorCode.TOKEN_NOT_FOUND);
  await h.rememberStore(under.store);
  leaks.object(`${kind}: the store`, under.store);
  leaks.object(`${kind}: the manager`, manager);
  leaks.object(`${kind}: a manager configured with a token and its client secret`, wrongClient);
  const configured = h.manager({ store: under.store, client: { clientId: String(client.clientId), clientSecret: client.clientSecret } });
  leaks.object(`${kind}: a manager configured with client credentials`, configured);
  await configured.close();
  await wrongClient.close();
}

describe('secret hygiene of the whole lifecycle at debug level', () => {
  for (const storeCase of STORE_FAULT_CASES) {
    test(`${storeCase.kind}: authorize, find, refresh (concurrent), failures, store faults, revoke`, async (t) => {
      const skip = await skipOf(storeCase);
      if (skip) return t.skip(skip);
      const leaks = new LeakCheck();
      const under = await storeCase.open();
      try {
        await leaks.console(() => wholeLife(leaks, under, storeCase.kind));
      } finally {
        await under.close();
      }
      for (const entry of h.logs) leaks.text(`log ${entry.level}`, `${entry.message} ${JSON.stringify(entry.fields)}`);
      for (const { name, payload } of h.events) {
        leaks.object(`event ${name}`, payload);
        const error = (payload as { error?: unknown }).error;
        if (error) leaks.error(`event ${name}.error`, error);
      }
      for (const error of h.errors) leaks.error('harness error', error);
      for (const secret of h.secrets) leaks.secret(secret);
      assert.ok(
        h.logs.some((entry) => entry.level === 'debug'),
        'debug lines were captured',
      );
      leaks.assertClean(10);
    });
  }

  test('refused credentials: the password is in no error, cause or console line', async (t) => {
    const skip = (await skipUnless('mariadb')) || (await skipUnless('redis'));
    if (skip) return t.skip(skip);
    const leaks = new LeakCheck();
    const password = `refused-password-${Date.now().toString(36)}`;
    leaks.secret(password);
    const { MySQLStore } = await import('zoho-token-store/mysql');
    const { RedisStore } = await import('zoho-token-store/redis');
    await leaks.console(async () => {
      await expectFailure(
        leaks,
        'MySQL, a wrong password',
        MySQLStore.open({ host: '127.0.0.1', user: 'root', password, database: 'test' }),
        ErrorCode.STORE_ACCESS_DENIED,
      );
      const redis = new RedisStore({ url: `redis://nosuchuser:${password}@127.0.0.1:6379`, keyPrefix: randomPrefix('hygiene') });
      await expectFailure(leaks, 'Redis, an unknown user', redis.getTokens(), ErrorCode.STORE_ACCESS_DENIED);
      leaks.object('a Redis store with a password', redis);
      await redis.close();
    });
    leaks.assertClean(1);
  });

  test('a Redis driver error quoting the command carries no token value (its arguments are hidden)', async (t) => {
    const skip = await skipUnless('redis');
    if (skip) return t.skip(skip);
    const { RedisStore } = await import('zoho-token-store/redis');
    const keyPrefix = randomPrefix('hygiene');
    const store = new RedisStore({ url: REDIS_URL, keyPrefix });
    const admin = adminClient();
    const leaks = new LeakCheck();
    try {
      await store.saveToken(completeToken());
      // A foreign value where the store keeps its id set: the write script fails with WRONGTYPE, a reply error
      // that ioredis decorates with the command and its arguments (the token values being written).
      await admin.del(`${keyPrefix}ids`);
      await admin.set(`${keyPrefix}ids`, 'not a set');
      const next = completeToken();
      leaks.secret(next.accessToken, next.refreshToken, next.clientSecret, next.grantToken);
      await expectFailure(leaks, 'a failing write script', store.saveToken(next), ErrorCode.TOKEN_STORE);
      leaks.assertClean(3);
    } finally {
      await dropPrefix(admin, keyPrefix);
      await admin.quit();
      await store.close();
    }
  });
});
