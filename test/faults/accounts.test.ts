// The accounts-server faults, one row of docs/faults.md each: what callers see, what stays stored, how the same
// manager recovers once the fault is lifted, and how many requests reached the server.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { ErrorCode, MemoryStore, OAuthToken, type TokenManager } from 'zoho-token-store';
import type { EmulatorFaults } from 'zoho-token-store/testing';
import { LifecycleHarness } from '../lifecycle/_harness.js';
import { assertRenewed, assertUnchanged, failsWith, storedRow } from './_guarantees.js';

let h: LifecycleHarness;
before(async () => {
  h = await LifecycleHarness.start({ dataCenters: ['us'] });
});
afterEach(() => h.emulator.faults.clear());
after(async () => {
  await h.close();
  h.assertNoSecretLeaked();
});

const HOUR = 3_600_000;
const ATTEMPTS = 3;
// Short backoffs keep the matrix quick; the behaviour is the default policy's. The timeout per try is generous:
// how long a request takes under load is not what these rows test (a try that timed out on a request the server
// did handle would be sent again). The rows about timeouts set their own, far from the delays they inject.
const RETRY = { attempts: ATTEMPTS, baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 30_000 };
// "Below the timeout": an answer delayed 200 ms of a 30 s timeout. "Beyond": delayed 8 s, on every try of a 1.5 s
// timeout, so the tries time out however slow the machine, and the recovery (no delay) has 1.5 s per try.
const SLOW_BELOW_MS = 200;
const TIMEOUT_BEYOND = { ...RETRY, attempts: 2, timeoutMs: 1_500 };
const SLOW_BEYOND_MS = 8_000;

/**
 * A stored, expired token (no grace left: a renewal is required) and a manager on its store with the `retry` under
 * test. The user is authorized by another manager with the harness's retry: the grant exchange is not the subject.
 */
async function expiredToken(retry: Partial<typeof RETRY> = RETRY): Promise<{ manager: TokenManager; id: string; refreshToken: string }> {
  const store = new MemoryStore();
  const token = await h.authorize(h.manager({ store }), h.client(), h.user());
  const manager = h.manager({ store, retry });
  h.emulator.clock.advance(HOUR);
  return { manager, id: String(token.id), refreshToken: String(token.refreshToken) };
}

interface TransientFault {
  readonly name: string;
  readonly arm: (faults: EmulatorFaults) => void;
  /** Requests that reach the emulator's token endpoint for one caller (undefined: not counted, e.g. dropped sockets). */
  readonly requests?: number;
  /** The retry policy under test, when it is not RETRY. */
  readonly retry?: Partial<typeof RETRY>;
}

describe('transient faults that pass within the retries: the caller succeeds, one renewal stored', () => {
  const faults: TransientFault[] = [
    { name: 'HTTP 500 on two tries', arm: (f) => f.failNext(2, 500), requests: 3 },
    { name: 'HTTP 502 on two tries', arm: (f) => f.failNext(2, 502), requests: 3 },
    { name: 'HTTP 503 on two tries', arm: (f) => f.failNext(2, 503), requests: 3 },
    { name: 'a connection reset on two tries', arm: (f) => f.dropNext(2) },
    {
      name: `a slow answer below the timeout (${SLOW_BELOW_MS} ms of ${RETRY.timeoutMs} ms)`,
      arm: (f) => f.delay(SLOW_BELOW_MS),
      requests: 1,
    },
  ];
  for (const fault of faults) {
    test(fault.name, async () => {
      const { manager, id, refreshToken } = await expiredToken(fault.retry);
      const before = await storedRow(manager.store, id);
      const requests = h.emulator.stats.refreshRequests(refreshToken);
      fault.arm(h.emulator.faults);
      const served = await manager.accessToken({ id });
      assertRenewed(await storedRow(manager.store, id), before, served);
      if (fault.requests !== undefined) assert.equal(h.emulator.stats.refreshRequests(refreshToken) - requests, fault.requests);
    });
  }
});

describe('transient faults that outlast the retries: ACCOUNTS_UNAVAILABLE, nothing stored changes, the same manager recovers', () => {
  const faults: TransientFault[] = [
    { name: 'HTTP 500 on every try', arm: (f) => f.failNext(100, 500), requests: ATTEMPTS },
    { name: 'HTTP 502 on every try', arm: (f) => f.failNext(100, 502), requests: ATTEMPTS },
    { name: 'HTTP 503 on every try', arm: (f) => f.failNext(100, 503), requests: ATTEMPTS },
    { name: 'a connection reset on every try', arm: (f) => f.dropNext(100) },
    {
      name: `a slow answer beyond the timeout (${SLOW_BEYOND_MS} ms of ${TIMEOUT_BEYOND.timeoutMs} ms) on every try`,
      arm: (f) => f.delay(SLOW_BEYOND_MS),
      retry: TIMEOUT_BEYOND,
    },
  ];
  for (const fault of faults) {
    test(fault.name, async () => {
      const { manager, id, refreshToken } = await expiredToken(fault.retry);
      const before = await storedRow(manager.store, id);
      const requests = h.emulator.stats.refreshRequests(refreshToken);
      fault.arm(h.emulator.faults);
      // 20 concurrent callers share one renewal: the server sees one caller's retries, not 20 × 3 requests.
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, () => failsWith(manager.accessToken({ id }), ErrorCode.ACCOUNTS_UNAVAILABLE)),
      );
      assert.equal(new Set(outcomes).size, 1, 'concurrent callers share one renewal and its error');
      if (fault.requests !== undefined) assert.equal(h.emulator.stats.refreshRequests(refreshToken) - requests, fault.requests);
      assertUnchanged(await storedRow(manager.store, id), before, fault.name);

      h.emulator.faults.clear();
      const served = await manager.accessToken({ id });
      assertRenewed(await storedRow(manager.store, id), before, served);
    });
  }

  test('a revoke while the server fails: ACCOUNTS_UNAVAILABLE, the token stays stored, a rerun revokes it', async () => {
    const { manager, id } = await expiredToken();
    const before = await storedRow(manager.store, id);
    h.emulator.faults.failNext(100, 503);
    await failsWith(manager.revoke({ id }), ErrorCode.ACCOUNTS_UNAVAILABLE);
    assertUnchanged(await storedRow(manager.store, id), before, 'revoke');
    h.emulator.faults.clear();
    await manager.revoke({ id });
    assert.equal(await storedRow(manager.store, id), null);
  });

  test('a grant exchange while the server fails: ACCOUNTS_UNAVAILABLE, nothing saved; the same code works once it is back', async () => {
    const manager = h.manager({ store: new MemoryStore(), retry: RETRY });
    const client = h.client();
    const exchange = {
      code: h.grantCode(client, h.user()),
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      redirectUri: client.redirectUri,
    };
    h.emulator.faults.failNext(100, 500);
    await failsWith(manager.exchangeGrant(exchange), ErrorCode.ACCOUNTS_UNAVAILABLE);
    assert.equal((await manager.store.getTokens()).length, 0);
    h.emulator.faults.clear();
    h.remember(await manager.exchangeGrant(exchange));
    assert.equal((await manager.store.getTokens()).length, 1);
  });
});

describe('throttling: THROTTLED with retryAfterMs, not retried, nothing stored changes', () => {
  test('the "Access Denied" body: one request, no more until the advised wait ends, then recovery', async () => {
    const { manager, id, refreshToken } = await expiredToken();
    const before = await storedRow(manager.store, id);
    const requests = h.emulator.stats.refreshRequests(refreshToken);
    h.emulator.faults.throttleNext(1);
    const error = await failsWith(manager.accessToken({ id }), ErrorCode.THROTTLED);
    assert.ok(Number(error.retryAfterMs) > 0);
    await failsWith(manager.accessToken({ id }), ErrorCode.THROTTLED);
    assert.equal(h.emulator.stats.refreshRequests(refreshToken) - requests, 1, 'a throttle is not retried, and blocks further requests');
    assertUnchanged(await storedRow(manager.store, id), before, 'throttled');
    h.emulator.clock.advance(Number(error.retryAfterMs));
    const served = await manager.accessToken({ id });
    assertRenewed(await storedRow(manager.store, id), before, served);
  });

  test("too many requests (past Zoho's access tokens per refresh token): THROTTLED, the row kept, recovery after the wait", async () => {
    const probe = await LifecycleHarness.start({ dataCenters: ['us'], limits: { accessTokensPerRefreshWindow: 2 } });
    try {
      const manager = probe.manager({ store: new MemoryStore(), retry: RETRY });
      const token = await probe.authorize(manager, probe.client(), probe.user());
      const id = String(token.id);
      let throttled: (Error & { retryAfterMs?: number | null }) | null = null;
      let before = await storedRow(manager.store, id);
      for (let i = 0; i < 4 && throttled === null; i += 1) {
        before = await storedRow(manager.store, id);
        manager.reportInvalidToken(String(before?.accessToken)); // forces a refresh now, without moving the clock
        try {
          await manager.accessToken({ id });
        } catch (error) {
          probe.errors.push(error);
          assert.equal((error as { code?: string }).code, ErrorCode.THROTTLED);
          throttled = error as Error & { retryAfterMs?: number | null };
        }
      }
      assert.ok(throttled, 'the limit was reached');
      assertUnchanged(await storedRow(manager.store, id), before, 'throttled by the limit');
      probe.emulator.clock.advance(Number(throttled.retryAfterMs));
      const served = await manager.accessToken({ id });
      assertRenewed(await storedRow(manager.store, id), before, served);
    } finally {
      await probe.close();
      probe.assertNoSecretLeaked();
    }
  });
});

describe('refusals (not transient): a typed error, the row kept, no retry', () => {
  test('invalid_code: REAUTHORIZATION_REQUIRED, one request, the row kept; authorizing again recovers the same manager', async () => {
    const { manager, id, refreshToken } = await expiredToken();
    const before = await storedRow(manager.store, id);
    const requests = h.emulator.stats.refreshRequests(refreshToken);
    h.emulator.faults.invalidCodeNext(1);
    await failsWith(manager.accessToken({ id }), ErrorCode.REAUTHORIZATION_REQUIRED);
    await failsWith(manager.accessToken({ id }), ErrorCode.REAUTHORIZATION_REQUIRED);
    assert.equal(h.emulator.stats.refreshRequests(refreshToken) - requests, 1, 'a refused refresh token is not sent again');
    assertUnchanged(await storedRow(manager.store, id), before, 'invalid_code');
  });

  test('invalid_client and invalid_client_secret: INVALID_CLIENT / INVALID_CLIENT_SECRET, one request each, the row kept; fixing the credentials recovers', async () => {
    const { manager, id, refreshToken } = await expiredToken();
    const before = await storedRow(manager.store, id);
    const good = await manager.store.findTokenById(id);
    assert.ok(good);
    for (const [fields, code] of [
      [{ clientId: '1000.NOSUCHCLIENT' }, ErrorCode.INVALID_CLIENT],
      [{ clientSecret: 'a-wrong-client-secret-0000' }, ErrorCode.INVALID_CLIENT_SECRET],
    ] as const) {
      await manager.store.saveToken(OAuthToken.from({ ...good, ...fields }));
      const wrong = await storedRow(manager.store, id);
      const requests = h.emulator.stats.refreshRequests(refreshToken);
      await failsWith(manager.accessToken({ id }), code);
      assert.equal(h.emulator.stats.refreshRequests(refreshToken) - requests, 1, `${code} is not retried`);
      assertUnchanged(await storedRow(manager.store, id), wrong, code);
      await manager.store.saveToken(good);
    }
    const served = await manager.accessToken({ id });
    assertRenewed(await storedRow(manager.store, id), before, served);
  });
});
