// TokenManager's OpenTelemetry signals, read from the SDK's in-memory reader and span exporter, through a stampede, a
// throttled refresh, a lock timeout and an invalid_code from the accounts emulator (docs/observability.md).
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { MemoryStore, TelemetryAttribute as A, TelemetryMetric as M, TelemetrySpan as S, type TokenManager } from 'zoho-token-store';
import type { EmulatorClient, EmulatorUser } from 'zoho-token-store/testing';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { LifecycleHarness } from './_harness.js';
import { childrenOf, countOf, InMemoryTelemetry, pointsOf, sumOf, type Point } from './_otel.js';

const HOUR = 3_600_000;
const STATUS_ERROR = 2;

let h: LifecycleHarness;
let otel: InMemoryTelemetry;
/** Every span and metric point of the file, for the attribute checks at the end. */
const seenSpans: ReadableSpan[] = [];
const seenPoints: Point[] = [];
const users: EmulatorUser[] = [];
const clients: EmulatorClient[] = [];

before(async () => {
  h = await LifecycleHarness.start();
  otel = new InMemoryTelemetry();
});
afterEach(() => h.emulator.faults.clear());
after(async () => {
  await h.close();
  await otel.close();
  h.assertNoSecretLeaked();
});

/** A manager recording to the in-memory SDK, with one authorized user whose access token has expired. */
async function expiredUser(
  overrides: Parameters<LifecycleHarness['manager']>[0] = {},
): Promise<{ manager: TokenManager; user: EmulatorUser; tokenId: string; store: MemoryStore }> {
  const store = new MemoryStore();
  const manager = h.manager({ store, telemetry: otel.options, ...overrides });
  const client = h.client();
  const user = h.user();
  clients.push(client);
  users.push(user);
  const token = await h.authorize(manager, client, user);
  h.emulator.clock.advance(HOUR);
  return { manager, user, tokenId: String(token.id), store };
}

async function snapshot(): Promise<{ metrics: Map<string, Point[]>; spans: ReadableSpan[] }> {
  const metrics = await otel.metrics();
  const spans = otel.spans();
  seenSpans.push(...spans);
  for (const points of metrics.values()) seenPoints.push(...points);
  return { metrics, spans };
}

const refreshSpans = (spans: readonly ReadableSpan[], outcome: string) =>
  spans.filter((span) => span.name === S.REFRESH && span.attributes[A.REFRESH_OUTCOME] === outcome);

describe('OpenTelemetry signals of TokenManager', () => {
  test('a stampede: 100 callers at expiry make one refresh span with its accounts request as a child; the others are coalesced', async () => {
    const { manager, user, tokenId } = await expiredUser();
    const before = await snapshot();
    otel.resetSpans();
    const requestsBefore = h.emulator.stats.refreshRequests();

    const tokens = await Promise.all(Array.from({ length: 100 }, () => manager.accessToken({ user: user.email })));
    assert.equal(new Set(tokens).size, 1);
    assert.equal(h.emulator.stats.refreshRequests() - requestsBefore, 1);
    await manager.accessToken({ user: user.email }); // from the cache

    const { metrics, spans } = await snapshot();
    const delta = (name: string, match: Record<string, unknown>) => countOf(metrics, name, match) - countOf(before.metrics, name, match);
    const refreshed = { [A.REFRESH_OUTCOME]: 'refreshed', [A.GRANT_TYPE]: 'refresh_token', [A.SERVER_ADDRESS]: '127.0.0.1' };
    assert.equal(delta(M.REFRESH_DURATION, refreshed), 1);
    const shared =
      delta(M.REFRESH_DURATION, { [A.REFRESH_OUTCOME]: 'coalesced' }) +
      delta(M.REFRESH_DURATION, { [A.REFRESH_OUTCOME]: 'served_by_other' });
    assert.equal(shared, 99, 'every other caller shared the one refresh');
    assert.equal(delta(M.LOOKUPS, { [A.LOOKUP_SOURCE]: 'refresh' }), 100);
    assert.equal(delta(M.LOOKUPS, { [A.LOOKUP_SOURCE]: 'cache' }), 1);
    assert.equal(delta(M.REMAINING_LIFETIME, { [A.LOOKUP_SOURCE]: 'refresh' }), 100);
    const lifetime = pointsOf(metrics, M.REMAINING_LIFETIME, { [A.LOOKUP_SOURCE]: 'refresh' })[0]?.value;
    assert.ok(
      typeof lifetime === 'object' && (lifetime.max ?? 0) > 3_000 && (lifetime.max ?? 0) <= 3_600,
      'a new token has about an hour left',
    );
    assert.ok(delta(M.LOCK_WAIT_DURATION, { [A.LOCK_RESULT]: 'acquired', [A.STORE_KIND]: 'memory' }) >= 1);
    assert.ok(delta(M.STORE_OPERATION_DURATION, { [A.STORE_KIND]: 'memory', [A.DB_OPERATION]: 'saveTokenIf' }) >= 1);

    // The span tree: one refresh span; under it the lock wait, the re-read, the accounts request and the fenced save.
    const [refresh, ...others] = refreshSpans(spans, 'refreshed');
    assert.ok(refresh);
    assert.equal(others.length, 0);
    assert.equal(refresh.parentSpanContext, undefined, 'a root span: no span was active');
    const children = childrenOf(spans, refresh);
    const names = children.map((span) => span.name);
    assert.deepEqual(names, [S.LOCK_WAIT, 'findTokenById', 'POST', 'saveTokenIf']);
    const [lock, , request] = children as [ReadableSpan, ReadableSpan, ReadableSpan, ReadableSpan];
    assert.equal(lock.attributes[A.LOCK_RESULT], 'acquired');
    assert.deepEqual(
      {
        method: request.attributes[A.HTTP_METHOD],
        status: request.attributes[A.HTTP_STATUS],
        server: request.attributes[A.SERVER_ADDRESS],
        kind: request.kind,
      },
      { method: 'POST', status: 200, server: '127.0.0.1', kind: 2 },
    );
    assert.equal(typeof request.attributes[A.SERVER_PORT], 'number');
    for (const child of children) {
      assert.ok(
        hrMs(child.startTime) >= hrMs(refresh.startTime) - 1 && hrMs(child.endTime) <= hrMs(refresh.endTime) + 1,
        `${child.name} lies within the refresh`,
      );
    }
    assert.equal(spans.filter((span) => span.name === 'POST').length, 1, 'one accounts request in all');
    assert.ok(tokenId);
  });

  test('a throttled refresh: outcome throttled, error.type THROTTLED, an error span', async () => {
    const { manager, user } = await expiredUser();
    const before = await snapshot();
    otel.resetSpans();
    h.emulator.faults.throttleNext(1);
    await h.rejects(manager.accessToken({ user: user.email }), 'THROTTLED');

    const { metrics, spans } = await snapshot();
    const match = { [A.REFRESH_OUTCOME]: 'throttled', [A.ERROR_TYPE]: 'THROTTLED' };
    assert.equal(countOf(metrics, M.REFRESH_DURATION, match) - countOf(before.metrics, M.REFRESH_DURATION, match), 1);
    const [refresh] = refreshSpans(spans, 'throttled');
    assert.ok(refresh);
    assert.equal(refresh.status.code, STATUS_ERROR);
    assert.equal(refresh.attributes[A.ERROR_TYPE], 'THROTTLED');
    const requests = childrenOf(spans, refresh).filter((span) => span.name === 'POST');
    assert.equal(requests.length, 1, 'a throttle is not retried');
  });

  test('a lock timeout: a try that finds the lock held, a wait that ends, REFRESH_IN_PROGRESS', async () => {
    const { manager, user, tokenId, store } = await expiredUser({ refreshLock: { waitMs: 300 } });
    const held = await store.acquireRefreshLock(tokenId, { waitMs: 0, leaseMs: 60_000 });
    assert.ok(held);
    const before = await snapshot();
    otel.resetSpans();
    try {
      await h.rejects(manager.accessToken({ user: user.email }), 'REFRESH_IN_PROGRESS');
    } finally {
      await held.release();
    }
    const { metrics, spans } = await snapshot();
    const delta = (name: string, match: Record<string, unknown>) => countOf(metrics, name, match) - countOf(before.metrics, name, match);
    assert.equal(delta(M.LOCK_WAIT_DURATION, { [A.LOCK_RESULT]: 'busy' }), 1);
    assert.equal(delta(M.LOCK_WAIT_DURATION, { [A.LOCK_RESULT]: 'timeout' }), 1);
    const waited =
      sumOf(metrics, M.LOCK_WAIT_DURATION, { [A.LOCK_RESULT]: 'timeout' }) -
      sumOf(before.metrics, M.LOCK_WAIT_DURATION, { [A.LOCK_RESULT]: 'timeout' });
    assert.ok(waited >= 0.29, `the wait lasted its bound (${waited} s)`);
    assert.equal(delta(M.REFRESH_DURATION, { [A.REFRESH_OUTCOME]: 'error', [A.ERROR_TYPE]: 'REFRESH_IN_PROGRESS' }), 1);

    const [refresh] = refreshSpans(spans, 'error');
    assert.ok(refresh);
    assert.equal(refresh.status.code, STATUS_ERROR);
    const children = childrenOf(spans, refresh);
    assert.deepEqual(
      children.map((span) => [span.name, span.attributes[A.LOCK_RESULT]]),
      [
        [S.LOCK_WAIT, 'busy'],
        [S.LOCK_WAIT, 'timeout'],
        ['findTokenById', undefined],
      ],
    );
    assert.equal(spans.filter((span) => span.name === 'POST').length, 0, 'nothing was sent');
  });

  test('an invalid_code answer: outcome invalid_grant, error.type REAUTHORIZATION_REQUIRED', async () => {
    const { manager, user } = await expiredUser();
    const before = await snapshot();
    otel.resetSpans();
    h.emulator.faults.invalidCodeNext(1);
    await h.rejects(manager.accessToken({ user: user.email }), 'REAUTHORIZATION_REQUIRED');

    const { metrics, spans } = await snapshot();
    const match = { [A.REFRESH_OUTCOME]: 'invalid_grant', [A.ERROR_TYPE]: 'REAUTHORIZATION_REQUIRED' };
    assert.equal(countOf(metrics, M.REFRESH_DURATION, match) - countOf(before.metrics, M.REFRESH_DURATION, match), 1);
    const [refresh] = refreshSpans(spans, 'invalid_grant');
    assert.ok(refresh);
    const [request] = childrenOf(spans, refresh).filter((span) => span.name === 'POST');
    assert.equal(request?.attributes[A.HTTP_STATUS], 200, "Zoho's OAuth errors come with HTTP 200");
  });

  test('a lease that runs out while its holder refreshes is counted as a lease expiry', async () => {
    // No heartbeat and a short lease: the slow accounts server outlasts it. What the holder does next (a fenced save)
    // is the bad-day tests' subject; here only the count is.
    const { manager, user } = await expiredUser({ refreshLock: { leaseMs: 200, keepAliveMs: 0 } });
    const before = await snapshot();
    h.emulator.faults.delay(1_000);
    await manager.accessToken({ user: user.email }).catch((error: unknown) => h.errors.push(error));
    const { metrics } = await snapshot();
    const match = { [A.STORE_KIND]: 'memory' };
    assert.equal(countOf(metrics, M.LEASE_EXPIRIES, match) - countOf(before.metrics, M.LEASE_EXPIRIES, match), 1);
  });

  test('a telemetry option that is not the api is refused with INVALID_CONFIG', () => {
    for (const telemetry of [true, {}, { api: {} }, { api: otel.options.api, meterprovider: otel.meterProvider }]) {
      assert.throws(() => h.manager({ telemetry: telemetry as never }), { code: 'INVALID_CONFIG' });
    }
  });

  test('no attribute value is a token, a secret, a grant code, a user name, an email or a client id; keys and values from closed sets', () => {
    assert.ok(seenSpans.length > 10 && seenPoints.length > 10);
    const forbidden = new Set<string>([...h.secrets]);
    for (const user of users) forbidden.add(user.email);
    for (const client of clients) forbidden.add(client.clientId);
    for (const event of h.events) {
      const userName = (event.payload as { userName?: unknown }).userName;
      if (typeof userName === 'string') forbidden.add(userName);
    }
    assert.ok(forbidden.size > 20);
    const attributeSets = [...seenSpans.map((span) => span.attributes), ...seenPoints.map((point) => point.attributes)];
    const closed: Record<string, ReadonlySet<unknown>> = {
      [A.REFRESH_OUTCOME]: new Set(['refreshed', 'coalesced', 'served_by_other', 'throttled', 'invalid_grant', 'unavailable', 'error']),
      [A.GRANT_TYPE]: new Set(['refresh_token', 'authorization_code']),
      [A.LOCK_RESULT]: new Set(['acquired', 'busy', 'timeout', 'backend_error']),
      [A.LOOKUP_SOURCE]: new Set(['cache', 'store', 'refresh']),
      [A.STORE_KIND]: new Set(['memory']),
      [A.DB_OPERATION]: new Set(['findToken', 'findTokenById', 'saveToken', 'saveTokenIf', 'deleteToken']),
      [A.HTTP_METHOD]: new Set(['GET', 'POST']),
      [A.URL_SCHEME]: new Set(['http']),
      [A.SERVER_ADDRESS]: new Set(['127.0.0.1']),
      [A.ERROR_TYPE]: new Set(['THROTTLED', 'REFRESH_IN_PROGRESS', 'REAUTHORIZATION_REQUIRED']),
    };
    const numeric = new Set<string>([A.SERVER_PORT, A.HTTP_STATUS, A.HTTP_RESEND_COUNT]);
    for (const attributes of attributeSets) {
      for (const [key, value] of Object.entries(attributes)) {
        for (const secret of forbidden) assert.ok(!String(value).includes(secret), `attribute ${key} holds a secret or a user's name`);
        if (numeric.has(key)) assert.equal(typeof value, 'number', key);
        else assert.ok(closed[key]?.has(value), `${key}=${String(value)} is not in its closed set`);
      }
    }
  });
});

const hrMs = ([seconds, nanos]: readonly [number, number]): number => seconds * 1e3 + nanos / 1e6;
