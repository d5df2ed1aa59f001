// The bad day, fourth part: the Redis server holding the refresh lock restarts for about a second while the callers
// wait. The waiters ride the outage out within their wait: none fails, and the one refresh serves them all.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { redisTopologiesMissing, startRedisServer } from '../_redis-topologies.js';
import { skipUnless } from '../_services.js';
import { authorizedExpired, reportsOf, startRound, totals, until } from './_bad-day.js';

const skip = (await skipUnless('redis')) || (redisTopologiesMissing() ?? false);

describe('the Redis server restarts while callers wait for the refresh lock', { skip }, () => {
  test('a restart of about 1 s during the wait: 0 callers fail, 1 refresh request, one token for all', async () => {
    // Its data survives the restart: the outage is the subject, not a lost lock.
    const server = await startRedisServer({ keepData: true });
    const spec = { kind: 'redis' as const, keyPrefix: `zts-test:restart:${randomBytes(5).toString('hex')}:`, port: server.port };
    const setup = await authorizedExpired(spec);
    try {
      setup.emulator.faults.delay(4_000);
      const workers = await startRound(setup, 4, 50);
      await until(() => setup.emulator.stats.refreshRequests() === 1, "the holder's refresh request");
      await delay(300); // the others are waiting for the lock now
      await server.down();
      await delay(1_000);
      await server.up();
      const { served, failed, digests } = totals(await reportsOf(workers));
      assert.deepEqual(failed, {}, 'no caller may fail');
      assert.equal(served, 200);
      assert.equal(digests.size, 1, 'one new token for every caller');
      assert.equal(setup.emulator.stats.refreshRequests(), 1, 'refresh requests');
    } finally {
      await setup.emulator.close();
      await server.stop();
    }
  });
});
