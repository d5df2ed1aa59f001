import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { ErrorCode, OAuthToken, TokenStoreError } from 'zoho-token-store';
import { RedisStore } from 'zoho-token-store/redis';
import { completeToken } from 'zoho-token-store/testing';
import { redisTopologiesMissing, startRedisServer } from '../_redis-topologies.js';
import { skipUnless } from '../_services.js';
import { randomPrefix } from './_redis-support.js';

// A throwaway redis-server of this test's own, on its own port: restarting it (which also empties its script
// cache) must not touch the shared server.
const skip = (await skipUnless('redis')) || (redisTopologiesMissing() ?? false);
if (skip) console.warn(`\n*** the Redis restart test is SKIPPED: ${skip} ***\n`);

describe('RedisStore across a server restart', { skip }, () => {
  test('a restarted server (empty script cache) gives STORE_UNAVAILABLE while down, then serves again', async () => {
    const server = await startRedisServer();
    const store = new RedisStore({ url: server.url, keyPrefix: randomPrefix('restart'), commandTimeoutMs: 1_000 });
    try {
      const before = completeToken();
      await store.saveToken(before);
      assert.equal((await store.findToken(new OAuthToken({ userSignature: before.userName })))?.id, before.id);

      await server.down();
      await assert.rejects(
        store.findToken(new OAuthToken({ userSignature: before.userName })),
        (error) => error instanceof TokenStoreError && error.code === ErrorCode.STORE_UNAVAILABLE,
      );

      await server.up(); // no persistence: the data is gone, and so are the cached scripts
      const after = completeToken();
      const deadline = Date.now() + 15_000;
      for (;;) {
        try {
          await store.saveToken(after);
          break;
        } catch (error) {
          assert.equal((error as TokenStoreError).code, ErrorCode.STORE_UNAVAILABLE);
          if (Date.now() > deadline) throw error;
          await delay(100);
        }
      }
      // Every script ran again through EVAL after NOSCRIPT: save, lookups by each key, delete.
      assert.equal((await store.findToken(new OAuthToken({ accessToken: after.accessToken })))?.id, after.id);
      assert.equal(
        (await store.findToken(new OAuthToken({ clientId: 'c', clientSecret: 's', refreshToken: after.refreshToken })))?.id,
        after.id,
      );
      await store.deleteToken(String(after.id));
      assert.deepEqual(await store.getTokens(), []);
      const lease = await store.acquireRefreshLock('1', { waitMs: 0, leaseMs: 1_000 });
      assert.ok(lease);
      await lease.release();
    } finally {
      await store.close();
      await server.stop();
    }
  });
});
