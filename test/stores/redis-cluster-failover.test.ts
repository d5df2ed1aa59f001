// The Redis store on a Redis Cluster of this test's own with a replica per master (3 + 3, cluster-node-timeout 2 s):
// waitReplicas waits for the replica of the master that took the write, and a master failover (SIGKILL, then
// CLUSTER FAILOVER) under a save loop keeps every save the replica confirmed, the store going on without reopening.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ErrorCode, OAuthToken, TokenStoreError } from 'zoho-token-store';
import { RedisStore } from 'zoho-token-store/redis';
import { completeToken } from 'zoho-token-store/testing';
import { onNode, onReplica, redisTopologiesMissing, startRedisCluster, type RedisClusterHandle } from '../_redis-topologies.js';
import { randomPrefix } from './_redis-support.js';
import { saveLoopThrough } from './_save-loop.js';

const missing = redisTopologiesMissing();
const skip = missing === null ? false : `${missing}; the Redis Cluster failover tests are SKIPPED`;
if (missing !== null) console.warn(`\n*** ${skip} ***\n`);

const isUnavailable = (error: unknown): boolean => error instanceof TokenStoreError && error.code === ErrorCode.STORE_UNAVAILABLE;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('RedisStore on a Redis Cluster with replicas', { skip }, () => {
  let cluster: RedisClusterHandle;
  const storeOf = (prefix: string, extra: Partial<ConstructorParameters<typeof RedisStore>[0]> = {}) =>
    new RedisStore({ cluster: cluster.nodes, prefix, waitReplicas: 1, commandTimeoutMs: 2_000, ...extra });
  before(async () => {
    cluster = await startRedisCluster({ replicas: 1, nodeTimeoutMs: 2_000 });
  });
  after(async () => {
    await cluster?.stop();
  });

  test("with waitReplicas 1 a save resolves once the replica of the store's master has it", async () => {
    const prefix = randomPrefix('acked');
    const store = storeOf(prefix);
    try {
      const replica = await cluster.replicaOf(await cluster.masterOf(`{${prefix}}`));
      for (let i = 0; i < 10; i += 1) {
        const token = completeToken({ userSignature: `acked-${i}@example.com` });
        await store.saveToken(token);
        // Read at once, on the replica itself: WAIT returned only once it had the write.
        assert.equal(await onReplica(replica, 'SISMEMBER', `{${prefix}}ids`, String(token.id)), 1, `save ${i} is on the replica`);
      }
    } finally {
      await store.close();
    }
  });

  // WAIT sent to any other master than the one that took the write would be confirmed at once (that master's replica
  // is not frozen and the connection wrote nothing there), so the saves would resolve.
  test("with the store's master's replica frozen (SIGSTOP), saves reject with STORE_UNAVAILABLE and outcomeUnknown after waitTimeoutMs; the master has them", async () => {
    const prefix = randomPrefix('frozen');
    const waitTimeoutMs = 500;
    const store = storeOf(prefix, { waitTimeoutMs });
    const master = await cluster.masterOf(`{${prefix}}`);
    const replica = await cluster.replicaOf(master);
    try {
      await store.saveToken(completeToken({ userSignature: 'frozen-before@example.com' })); // connected, scripts loaded
      cluster.pause(replica);
      try {
        for (let i = 0; i < 4; i += 1) {
          const token = completeToken({ userSignature: `frozen-${i}@example.com` });
          const started = Date.now();
          await assert.rejects(
            store.saveToken(token),
            (error: unknown) => isUnavailable(error) && (error as TokenStoreError).outcomeUnknown === true,
          );
          const took = Date.now() - started;
          assert.ok(took >= waitTimeoutMs - 50, `rejected after ${took} ms: it waited for the replica`);
          assert.ok(took < waitTimeoutMs + 2_000, `rejected after ${took} ms: within waitTimeoutMs + commandTimeoutMs`);
          assert.equal(await onNode(master, 'SCARD', `{${prefix}}ids`), i + 2, 'the master has the write');
        }
      } finally {
        cluster.resume(replica);
      }
      // Resumed, the replica catches up and saves are confirmed again.
      const deadline = Date.now() + 20_000;
      let confirmed = false;
      while (!confirmed && Date.now() < deadline) {
        confirmed = await store.saveToken(completeToken({ userSignature: 'frozen-after@example.com' })).then(
          () => true,
          () => pause(200).then(() => false),
        );
      }
      assert.ok(confirmed, 'saves are confirmed again once the replica runs');
    } finally {
      await store.close();
    }
  });

  // The connection WAIT was sent on is gone: sent again on another connection (to any node, or to the same node
  // reconnected), WAIT would count the replicas of a connection that wrote nothing and confirm the save at once, though
  // the only copy was on the killed master and the replica that takes over never had it.
  test("the store's master SIGKILLed while a save waits for its frozen replica: the save rejects with STORE_UNAVAILABLE and outcomeUnknown, never confirmed by another connection", async () => {
    const prefix = randomPrefix('orphan');
    const store = storeOf(prefix, { waitTimeoutMs: 1_500, commandTimeoutMs: 3_000 });
    const master = await cluster.masterOf(`{${prefix}}`);
    const replica = await cluster.replicaOf(master);
    try {
      await store.saveToken(completeToken({ userSignature: 'orphan-before@example.com' }));
      cluster.pause(replica);
      let saving: Promise<unknown>;
      try {
        saving = store.saveToken(completeToken({ userSignature: 'orphan@example.com' })).then(
          () => 'confirmed',
          (error: unknown) => error,
        );
        await pause(300); // the write is on the master; WAIT waits for the frozen replica
        await cluster.kill(master);
      } finally {
        cluster.resume(replica);
      }
      const outcome = await saving;
      assert.ok(
        isUnavailable(outcome) && (outcome as TokenStoreError).outcomeUnknown === true,
        `the save must not be confirmed: ${String(outcome)}`,
      );
    } finally {
      await store.close();
      // The replica takes over; the killed master comes back as its replica, for the tests that follow.
      await cluster.servedBy(`{${prefix}}`, replica);
      await cluster.restart(master);
      await cluster.replicaOf(replica);
    }
  });

  const killed = (key: string) => cluster.killMasterOf(key);
  const swapped = (key: string) => cluster.failoverOf(key);
  for (const [how, cause, waitReplicas] of [
    // Then restarted, empty, and made the new master's replica by the cluster: until it is in sync, saves wait for a
    // replica in vain and fail (typed); then the loop goes on.
    ["the store's master SIGKILLed", killed, 1],
    ['CLUSTER FAILOVER on its replica', swapped, 1],
    // Without WAIT a save is acknowledged by the master alone: the ones the replica had not received when the master
    // died are lost, and counted (docs/redis-store.md, "What a failover can and cannot lose").
    ["the store's master SIGKILLed", killed, 0],
    // CLUSTER FAILOVER pauses the master's clients until the replica has caught up: nothing acknowledged is lost.
    ['CLUSTER FAILOVER on its replica', swapped, 0],
  ] as const) {
    const kept = waitReplicas > 0 || cause === swapped ? 'every acknowledged save kept' : 'saves lost by the failover counted';
    test(`${how} during a save loop (waitReplicas ${waitReplicas}): the replica takes over, the loop goes on without reopening the store, typed errors only, ${kept}`, async (t) => {
      const prefix = randomPrefix('failover');
      const store = storeOf(prefix, { waitReplicas });
      try {
        let before: string | number | undefined;
        const run = await saveLoopThrough(store, async () => {
          before = await cluster.masterOf(`{${prefix}}`);
          return cause(`{${prefix}}`);
        });
        const { outcome: master, saved, failures, savesAfter: afterFailover } = run;
        const confirmedBefore = run.savedBefore;
        t.diagnostic(
          `${run.rounds} rounds, ${failures.length} typed failures, ${afterFailover} saves after the failover, ${saved.size} users confirmed`,
        );
        assert.notEqual(master, before);
        assert.equal(await cluster.masterOf(`{${prefix}}`), master, "the replica serves the store's slot");
        assert.ok(confirmedBefore.size > 0, 'saves were confirmed before the failover');
        assert.ok(afterFailover >= 20, `the loop went on on the new master (${afterFailover} saves)`);
        for (const error of failures)
          assert.ok(isUnavailable(error), `untyped failure: ${String(error)} (${String((error as { cause?: unknown }).cause)})`);
        const stored = new Map((await store.getTokens()).map((token) => [token.userName as string, String(token.id)]));
        const lost = [...saved].filter(([user, id]) => stored.get(user) !== id);
        t.diagnostic(`${lost.length} of ${saved.size} acknowledged saves not stored with their id after the failover`);
        if (waitReplicas > 0 || cause === swapped)
          for (const [user, id] of lost) assert.fail(`${user} was acknowledged and must be stored with id ${id}`);
        // Lost or not, no id is given twice, and the saves confirmed well before the failover are there.
        assert.equal(new Set(stored.values()).size, stored.size, 'no id was given twice');
        for (const [user, id] of [...confirmedBefore].slice(0, -20)) assert.equal(stored.get(user), id, `${user} (early) is stored`);
        // The same store, never reopened, still finds, saves and locks.
        const found = await store.findToken(new OAuthToken({ userSignature: 'loop-1@example.com' }));
        assert.equal(found?.id, stored.get('loop-1@example.com'));
        const fresh = completeToken({ userSignature: 'after@example.com' });
        await store.saveToken(fresh);
        assert.equal((await store.findToken(new OAuthToken({ userSignature: 'after@example.com' })))?.id, fresh.id);
        const lease = await store.acquireRefreshLock(String(fresh.id), { waitMs: 1_000, leaseMs: 5_000 });
        assert.ok(lease, 'the refresh lock is taken');
        await lease.release();
      } finally {
        await store.close();
      }
    });
  }
});
