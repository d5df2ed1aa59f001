// The Redis store on a master + replica watched by 3 Sentinels of this test's own: the conformance kit (with writes
// confirmed by the replica), the sentinel location, 8 processes of saves, and failovers under a save loop.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ErrorCode, OAuthToken, openStore, TokenStoreError } from 'zoho-token-store';
import { RedisStore } from 'zoho-token-store/redis';
import { completeToken, testTokenStore } from 'zoho-token-store/testing';
import { runWorkers } from '../_processes.js';
import { onNode, redisTopologiesMissing, startRedisSentinel, type RedisSentinelHandle } from '../_redis-topologies.js';
import { randomPrefix } from './_redis-support.js';
import { saveLoopThrough } from './_save-loop.js';

const missing = redisTopologiesMissing();
const skip = missing === null ? false : `${missing}; the Redis Sentinel tests are SKIPPED`;
if (missing !== null) console.warn(`\n*** ${skip} ***\n`);
const SAVE_WORKER = 'dist/test/stores/_redis-save-worker.js';

const isUnavailable = (error: unknown): boolean => error instanceof TokenStoreError && error.code === ErrorCode.STORE_UNAVAILABLE;

describe('RedisStore through Redis Sentinel', { skip }, () => {
  let sentinel: RedisSentinelHandle;
  const stores = (prefix: string, extra: Partial<ConstructorParameters<typeof RedisStore>[0]> = {}) =>
    new RedisStore({ sentinels: sentinel.sentinels, masterName: sentinel.masterName, prefix, ...extra });
  before(async () => {
    sentinel = await startRedisSentinel();
  });
  after(async () => {
    await sentinel?.stop();
  });

  describe('the conformance kit, every write confirmed by the replica (waitReplicas: 1)', () => {
    testTokenStore(test, () => stores(randomPrefix('kit'), { waitReplicas: 1 }), { dispose: (store) => store.close() });
  });

  test('openStore reaches the master through redis+sentinel://host:port,host:port/<masterName>', async () => {
    const prefix = randomPrefix('loc');
    const store = await openStore(`${sentinel.location}?prefix=${encodeURIComponent(prefix)}&waitReplicas=1`);
    try {
      const token = completeToken({ userSignature: 'location@example.com' });
      await store.saveToken(token);
      const onMaster = (await onNode(await sentinel.masterPort(), 'SMEMBERS', `${prefix}ids`)) as string[];
      assert.deepEqual(onMaster, [token.id]);
    } finally {
      await store.close();
    }
  });

  test('a write no replica can confirm in time rejects with STORE_UNAVAILABLE and outcomeUnknown; the master has it', async () => {
    const prefix = randomPrefix('wait');
    const store = stores(prefix, { waitReplicas: 2, waitTimeoutMs: 300 }); // there is one replica
    try {
      const token = completeToken({ userSignature: 'wait@example.com' });
      await assert.rejects(
        store.saveToken(token),
        (error: unknown) => isUnavailable(error) && (error as TokenStoreError).outcomeUnknown === true,
      );
      assert.ok(await store.findToken(new OAuthToken({ userSignature: 'wait@example.com' })), 'the master has the write');
    } finally {
      await store.close();
    }
  });

  test('8 processes × 50 concurrent saves of distinct users store 400 tokens with 400 distinct ids', async () => {
    const prefix = randomPrefix('procs');
    const results = await runWorkers(SAVE_WORKER, 8, (i) => [sentinel.location, prefix, String(i), '50']);
    const reported = results.flatMap((result) => JSON.parse(result.stdout) as string[]);
    assert.equal(new Set(reported).size, 400, 'every save must report its own id');
    const store = stores(prefix);
    try {
      assert.deepEqual(new Set((await store.getTokens()).map((token) => token.id)), new Set(reported));
    } finally {
      await store.close();
    }
  });

  for (const [how, cause] of [
    ['SENTINEL FAILOVER', () => sentinel.failover()],
    // Then restarted, empty, and made a replica of the new master by the sentinels: until it is in sync, saves wait
    // for a replica in vain and fail (typed); then the loop goes on.
    ['the master SIGKILLed', () => sentinel.killMaster()],
  ] as const) {
    test(`${how} during a save loop: the loop goes on with the new master, typed errors only, every save confirmed by the replica kept`, async (t) => {
      const prefix = randomPrefix('failover');
      const store = stores(prefix, { waitReplicas: 1, commandTimeoutMs: 2_000 });
      try {
        let before: number | undefined;
        const run = await saveLoopThrough(store, async () => {
          before = await sentinel.masterPort();
          return cause();
        });
        const { outcome: master, saved, failures, savesAfter: afterFailover } = run;
        t.diagnostic(
          `${run.rounds} rounds, ${failures.length} typed failures, ${afterFailover} saves after the failover, ${saved.size} users acknowledged`,
        );
        assert.notEqual(master, before);
        assert.ok(afterFailover >= 20, `the loop went on on the new master (${afterFailover} saves)`);
        for (const error of failures)
          assert.ok(isUnavailable(error), `untyped failure: ${String(error)} (${String((error as { cause?: unknown }).cause)})`);
        const stored = new Map((await store.getTokens()).map((token) => [token.userName as string, String(token.id)]));
        for (const [user, id] of saved) assert.equal(stored.get(user), id, `${user} was acknowledged and must be stored with its id`);
      } finally {
        await store.close();
      }
    });
  }
});
