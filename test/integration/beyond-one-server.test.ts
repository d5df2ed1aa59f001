// Processes sharing one store beyond a single server refresh an expired token once: PostgreSQL through PgBouncer in
// transaction mode, a 3-master Redis Cluster, and a Redis master found through Sentinels — each of the test's own.
import { after, before, describe, test } from 'node:test';
import { pgbouncerMissing, startPgBouncer, type PgBouncer } from '../_pgbouncer.js';
import {
  redisTopologiesMissing,
  startRedisCluster,
  startRedisSentinel,
  type RedisClusterHandle,
  type RedisSentinelHandle,
} from '../_redis-topologies.js';
import { skipUnless } from '../_services.js';
import { randomPrefix } from '../stores/_redis-support.js';
import { assertOneRefreshAtExpiry } from './_refresh-race.js';

const TEST = '4 processes × 100 concurrent callers on one expired token → exactly 1 refresh request';
const bouncerMissing = pgbouncerMissing();
const redisMissing = redisTopologiesMissing();

describe('PostgreSQL through PgBouncer (transaction mode): processes sharing one store', {
  skip: (await skipUnless('postgres')) || (bouncerMissing === null ? false : `${bouncerMissing}; SKIPPED`),
}, () => {
  let bouncer: PgBouncer;
  const schema = `zts_beyond_${randomPrefix().slice(-13, -1)}`;
  before(async () => {
    bouncer = await startPgBouncer();
  });
  after(async () => {
    await bouncer?.stop();
    const { adminPool, dropSchema } = await import('../stores/_postgres.js');
    const pool = adminPool();
    await dropSchema(pool, schema);
    await pool.end();
  });
  test(TEST, () => assertOneRefreshAtExpiry({ kind: 'postgres', schema, port: bouncer.port }));
});

describe('Redis Cluster: processes sharing one store', { skip: redisMissing === null ? false : `${redisMissing}; SKIPPED` }, () => {
  let cluster: RedisClusterHandle;
  before(async () => {
    cluster = await startRedisCluster();
  });
  after(() => cluster?.stop());
  test(TEST, () => assertOneRefreshAtExpiry({ kind: 'redis', location: cluster.location, keyPrefix: randomPrefix('race') }));
});

describe('Redis Sentinel: processes sharing one store', { skip: redisMissing === null ? false : `${redisMissing}; SKIPPED` }, () => {
  let sentinel: RedisSentinelHandle;
  before(async () => {
    sentinel = await startRedisSentinel();
  });
  after(() => sentinel?.stop());
  test(TEST, () =>
    assertOneRefreshAtExpiry({ kind: 'redis', location: `${sentinel.location}?waitReplicas=1`, keyPrefix: randomPrefix('race') }),
  );
});
