// The Redis store on a 3-master Redis Cluster of this test's own: every key of a store on one slot (a hash tag), the
// conformance kit, the cluster location, 8 processes of saves, and a slot migration under loops of saves and deletes.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { ErrorCode, OAuthToken, openStore, TokenStoreError } from 'zoho-token-store';
import { RedisStore } from 'zoho-token-store/redis';
import { completeToken, testTokenStore } from 'zoho-token-store/testing';
import { runWorkers } from '../_processes.js';
import { zoho } from '../cli/_cli.js';
import { onNode, redisTopologiesMissing, startRedisCluster, type RedisClusterHandle } from '../_redis-topologies.js';
import { randomPrefix } from './_redis-support.js';

const missing = redisTopologiesMissing();
const skip = missing === null ? false : `${missing}; the Redis Cluster tests are SKIPPED`;
if (missing !== null) console.warn(`\n*** ${skip} ***\n`);
const SAVE_WORKER = 'dist/test/stores/_redis-save-worker.js';

/** Every key on every master. */
async function keysOnEveryMaster(cluster: RedisClusterHandle, pattern: string): Promise<Map<number, string[]>> {
  const found = new Map<number, string[]>();
  for (const { port } of cluster.nodes) found.set(port, (await onNode(port, 'KEYS', pattern)) as string[]);
  return found;
}

const INDEXED_COLUMNS: Readonly<Record<string, string>> = {
  user: 'user_name',
  access: 'access_token',
  grant: 'grant_token',
  refresh: 'refresh_token',
};

/** Index entries (`<tag>:<sha1>` members) whose token is missing, not in the id set, or holds another value. */
async function danglingIndexEntries(port: number, tag: string): Promise<string[]> {
  const client = new Redis({ host: '127.0.0.1', port });
  try {
    const dangling: string[] = [];
    const ids = new Set(await client.smembers(`${tag}ids`));
    for (const key of await client.keys(`${tag}*`)) {
      const index = /^.*\}(user|access|grant|refresh):([0-9a-f]{40})$/.exec(key);
      if (index === null) continue;
      const column = INDEXED_COLUMNS[index[1] as string] as string;
      for (const id of await client.zrange(key, '0', '-1')) {
        const value = await client.hget(`${tag}id:${id}`, column);
        const digest = value === null ? null : createHash('sha1').update(value).digest('hex');
        if (digest !== index[2] || !ids.has(id)) dangling.push(`${key} → ${id}`);
      }
    }
    return dangling;
  } finally {
    client.disconnect();
  }
}

describe('RedisStore on a Redis Cluster', { skip }, () => {
  let cluster: RedisClusterHandle;
  before(async () => {
    cluster = await startRedisCluster();
  });
  after(async () => {
    await cluster?.stop();
  });

  describe('the conformance kit', () => {
    testTokenStore(test, () => new RedisStore({ cluster: cluster.nodes, prefix: randomPrefix('kit') }), {
      dispose: (store) => store.close(), // the cluster is this file's own, and goes with it
    });
  });

  test('every key of a store is on one master, under the hash tag its prefix was given', async () => {
    const prefix = randomPrefix('slot');
    const store = new RedisStore({ cluster: cluster.nodes, prefix });
    try {
      for (let i = 0; i < 20; i += 1) await store.saveToken(completeToken({ userSignature: `slot-${i}@example.com` }));
      const lease = await store.acquireRefreshLock('1', { waitMs: 1_000, leaseMs: 5_000 });
      const byMaster = await keysOnEveryMaster(cluster, `{${prefix}}*`);
      await lease?.release();
      const holding = [...byMaster].filter(([, keys]) => keys.length > 0);
      assert.equal(holding.length, 1, 'one master holds every key');
      const keys = holding[0]?.[1] ?? [];
      // 20 hashes, ids, seq, 2 indexes per token at least (user, refresh, …), the refresh lock.
      assert.ok(keys.length > 60, `only ${keys.length} keys`);
      assert.ok(
        keys.some((key) => key.includes('lock:refresh:')),
        'the refresh lock shares the tag',
      );
      for (const key of keys) assert.ok(key.startsWith(`{${prefix}}`));
    } finally {
      await store.close();
    }
  });

  test('a prefix holding a hash tag is kept as it is', async () => {
    const prefix = `${randomPrefix('own')}{tenant-a}:`;
    const store = new RedisStore({ cluster: cluster.nodes, prefix });
    try {
      await store.saveToken(completeToken({ userSignature: 'own@example.com' }));
      const keys = [...(await keysOnEveryMaster(cluster, `${prefix.replace(/[{}]/g, '?')}*`)).values()].flat();
      assert.ok(keys.length > 0 && keys.every((key) => key.startsWith(prefix)), keys.join(', '));
    } finally {
      await store.close();
    }
  });

  test('openStore and the CLI location redis+cluster://host:port,host:port?prefix=… reach it', async () => {
    const prefix = randomPrefix('loc');
    const store = await openStore(`${cluster.location}?prefix=${encodeURIComponent(prefix)}`);
    try {
      const token = completeToken({ userSignature: 'location@example.com' });
      await store.saveToken(token);
      const again = await openStore(`${cluster.nodes.at(-1)?.host}:${cluster.nodes.at(-1)?.port}`.replace(/^/, 'redis+cluster://'), {
        prefix,
      });
      assert.equal((await again.findToken(new OAuthToken({ userSignature: 'location@example.com' })))?.id, token.id);
      await again.close();
      const listed = await zoho(['list', '--json', '--store', `${cluster.location}?prefix=${encodeURIComponent(prefix)}`], {
        cwd: tmpdir(),
      });
      assert.equal(listed.code, 0, listed.stderr);
      assert.ok(listed.stdout.includes('location@example.com'), listed.stdout);
    } finally {
      await store.close();
    }
  });

  test('8 processes × 50 concurrent saves of distinct users store 400 tokens with 400 distinct ids', async () => {
    const prefix = randomPrefix('procs');
    const results = await runWorkers(SAVE_WORKER, 8, (i) => [cluster.location, prefix, String(i), '50']);
    const reported = results.flatMap((result) => JSON.parse(result.stdout) as string[]);
    assert.equal(new Set(reported).size, 400, 'every save must report its own id');
    const store = new RedisStore({ cluster: cluster.nodes, prefix });
    try {
      const tokens = await store.getTokens();
      assert.deepEqual(new Set(tokens.map((token) => token.id)), new Set(reported));
    } finally {
      await store.close();
    }
  });

  // Every write script declares every key it touches, so while the slot is half moved the cluster refuses a script
  // (ASK, TRYAGAIN) before any of it runs, never midway or on a node where some of its keys have not arrived yet
  // (docs/redis-store.md, "Resharding"): a save or delete acknowledged during the move holds like any other, and no
  // token is left without one of its index entries.
  test("the store's slot migrated to another master during saves and deletes: typed errors only, every acknowledged save kept and delete done, the store consistent", async (t) => {
    const prefix = randomPrefix('reshard');
    // Three stores, as three processes would be: their writes race each other for the write lock during the move.
    const stores = [0, 1, 2].map(() => new RedisStore({ cluster: cluster.nodes, prefix, commandTimeoutMs: 2_000 }));
    const store = stores[0] as RedisStore;
    const saved = new Map<string, string>(); // user → id, for every save that resolved
    const failures: unknown[] = [];
    let phase = 'before' as 'before' | 'during' | 'after'; // changed by the test while the loops run
    try {
      // Enough tokens that the migration (5 keys at a time) takes a while.
      for (let i = 0; i < 100; i += 1) {
        const token = completeToken({ userSignature: `seed-${i}@example.com` });
        await store.saveToken(token);
        saved.set(token.userName as string, String(token.id));
      }
      const slot = Number(await onNode(cluster.nodes[0]?.port as number, 'CLUSTER', 'KEYSLOT', `{${prefix}}`));
      const from = await cluster.masterOf(`{${prefix}}`);
      const to = (cluster.nodes.find((node) => node.port !== from) as { port: number }).port;
      let stop = false;
      let afterMove = 0;
      // Seeds 50-99 are deleted while the slot moves, one per round of each loop; the saves update seeds 0-49 only.
      const deleted: string[] = [];
      let nextDeleted = 50;
      const loop = async (writer: RedisStore, name: string): Promise<void> => {
        for (let round = 1; !stop; round += 1) {
          // New users (the locked path) and updates of seen ones (the compare-and-set path, or the locked path after
          // a refused one); while the slot moves, only users of that phase are written.
          const fresh = completeToken({ userSignature: `${phase}-${name}-${round}@example.com` });
          const seen = completeToken({
            userSignature: phase === 'during' ? `during-${name}-${round - 1}@example.com` : `seed-${(round * 3) % 50}@example.com`,
          });
          for (const token of [fresh, seen]) {
            try {
              await writer.saveToken(token);
              saved.set(token.userName as string, String(token.id));
              if (phase === 'after') afterMove += 1;
            } catch (error) {
              failures.push(error);
            }
          }
          if (phase !== 'during' || nextDeleted > 99) continue;
          const user = `seed-${nextDeleted++}@example.com`;
          const id = saved.get(user) as string;
          saved.delete(user); // a delete that fails may or may not have happened: not checked
          try {
            await writer.deleteToken(id);
            deleted.push(user);
          } catch (error) {
            failures.push(error);
          }
        }
      };
      const loops = Promise.all(stores.map((writer, i) => loop(writer, String(i))));
      await new Promise((resolve) => setTimeout(resolve, 300));
      phase = 'during';
      await cluster.migrateSlot(slot, to);
      phase = 'after';
      const deadline = Date.now() + 20_000;
      while (afterMove < 50 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      stop = true;
      await loops;
      assert.equal(await cluster.masterOf(`{${prefix}}`), to, 'the slot moved');
      assert.ok(afterMove >= 50, `the loops went on after the move (${afterMove} saves)`);
      for (const error of failures) {
        assert.ok(
          error instanceof TokenStoreError && error.code === ErrorCode.STORE_UNAVAILABLE,
          `untyped failure: ${String(error)} (${String((error as { cause?: unknown }).cause)})`,
        );
      }
      const tokens = await store.getTokens();
      const stored = new Map(tokens.map((token) => [token.userName as string, String(token.id)]));
      const during = [...saved].filter(([user]) => user.startsWith('during-'));
      const lostDuring = during.filter(([user, id]) => stored.get(user) !== id);
      t.diagnostic(
        `${failures.length} typed failures; ${during.length} saves and ${deleted.length} deletes acknowledged while the slot moved`,
      );
      assert.deepEqual(lostDuring, [], 'every save acknowledged while the slot moved is stored with its id');
      assert.deepEqual(
        deleted.filter((user) => stored.has(user)),
        [],
        'every delete acknowledged while the slot moved took effect',
      );
      for (const [user, id] of saved) assert.equal(stored.get(user), id, `${user} was acknowledged and must be stored with its id`);
      assert.equal(new Set(stored.values()).size, stored.size, 'no id was given twice');
      for (const token of tokens) {
        const byField: Array<[string, OAuthToken]> = [
          ['user name', new OAuthToken({ userSignature: token.userName })],
          ['access token', new OAuthToken({ accessToken: token.accessToken })],
          [
            'refresh token',
            new OAuthToken({ clientId: token.clientId, clientSecret: token.clientSecret, refreshToken: token.refreshToken }),
          ],
        ];
        if (token.grantToken) {
          byField.push([
            'grant token',
            new OAuthToken({ clientId: token.clientId, clientSecret: token.clientSecret, grantToken: token.grantToken }),
          ]);
        }
        for (const [field, probe] of byField)
          assert.equal((await store.findToken(probe))?.id, token.id, `${token.userName} found by its ${field}`);
      }
      assert.deepEqual(await danglingIndexEntries(to, `{${prefix}}`), [], 'every index entry names a token holding its value');
    } finally {
      for (const writer of stores) await writer.close();
    }
  });
});
