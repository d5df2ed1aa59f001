// Cluster and Sentinel settings of the Redis store, without a server: the hash tag, the locations, the refusals.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, isTokenStoreError, parseStoreLocation } from '../../src/index.js';
import { REDIS_ENGINE } from '../../src/stores/redis/redis-engine.js';
import { RedisStore } from '../../src/stores/redis/index.js';
import { withHashTag } from '../../src/stores/redis/redis-options.js';

const invalid = (what: string) => (error: unknown) => {
  assert.ok(isTokenStoreError(error), `${what}: expected a TokenStoreError`);
  assert.equal(error.code, ErrorCode.INVALID_CONFIG, what);
  assert.ok(!error.message.includes('hunter2'), error.message);
  return true;
};
const optionsOf = (location: string) => REDIS_ENGINE.optionsOf(parseStoreLocation(location));

describe('Redis Cluster and Sentinel settings', () => {
  it('gives a prefix without a hash tag one, and keeps a prefix that holds one', () => {
    assert.equal(withHashTag('zoho:tokens:'), '{zoho:tokens:}');
    assert.equal(withHashTag('app:{tenant}:'), 'app:{tenant}:');
    // An empty tag ({}) is no tag to Redis; a lone brace neither: both wrapped, and the tag then ends inside the prefix.
    assert.equal(withHashTag('a{}b:'), '{a{}b:}');
    assert.equal(withHashTag('a{b:'), '{a{b:}');
  });

  it('reads redis+cluster://user:pass@h1:p1,h2:p2?prefix=…&waitReplicas=… into seed nodes and credentials', () => {
    const location = 'redis+cluster://app:hunter2@10.0.0.1:7000,cache-2.internal:7001?prefix=crm:&waitReplicas=1&waitTimeoutMs=500';
    assert.deepEqual(optionsOf(location), {
      cluster: [
        { host: '10.0.0.1', port: 7000 },
        { host: 'cache-2.internal', port: 7001 },
      ],
      connection: { username: 'app', password: 'hunter2' },
      prefix: 'crm:',
      waitReplicas: 1,
      waitTimeoutMs: 500,
    });
    const display = parseStoreLocation(location).display;
    assert.ok(display.includes('10.0.0.1:7000,cache-2.internal:7001') && !display.includes('hunter2'), display);
    assert.deepEqual(optionsOf('rediss+cluster://one:7000'), { cluster: [{ host: 'one', port: 7000 }], connection: { tls: {} } });
  });

  it('reads redis+sentinel://h1:p1,h2:p2/<masterName>[/<db>] into the Sentinels, the master name and the database', () => {
    assert.deepEqual(optionsOf('redis+sentinel://:hunter2@s1:26379,s2:26379/tokens/2?prefix=p:'), {
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
      ],
      masterName: 'tokens',
      connection: { password: 'hunter2', db: 2 },
      prefix: 'p:',
    });
  });

  it('refuses malformed cluster and sentinel locations, and several hosts where one server is meant', () => {
    for (const location of [
      'redis://u:hunter2@a:1,b:2/0',
      'postgres://u:hunter2@a:5432,b:5432/db',
      'redis+cluster://u:hunter2@a:7000,b/',
      'redis+cluster://u:hunter2@a:7000,b:7001/0',
      'redis+sentinel://u:hunter2@a:26379,b:26379',
      'redis+sentinel://u:hunter2@a:26379/m/x',
      'redis+cluster://u:hunter2@a:7000?waitReplicas=one',
      'redis+cluster://u:hunter2@a:7000?db=1',
    ]) {
      assert.throws(() => optionsOf(location), invalid(location));
    }
  });

  it('refuses conflicting or malformed options when the store is built, before connecting', () => {
    const nodes = [{ host: '127.0.0.1', port: 7000 }];
    const cases: Array<[string, Record<string, unknown>]> = [
      ['cluster and sentinels', { cluster: nodes, sentinels: nodes, masterName: 'm' }],
      ['sentinels without masterName', { sentinels: nodes }],
      ['masterName without sentinels', { masterName: 'm' }],
      ['an empty cluster', { cluster: [] }],
      ['a node without a port', { cluster: [{ host: 'a' }] }],
      ['url with cluster', { cluster: nodes, url: 'redis://u:hunter2@a:6379' }],
      ['waitTimeoutMs alone', { waitTimeoutMs: 100 }],
      ['a fractional waitReplicas', { waitReplicas: 1.5 }],
      ['a WAIT longer than a command', { waitReplicas: 1, waitTimeoutMs: 5_000, commandTimeoutMs: 5_000 }],
      ['a bad master name', { sentinels: nodes, masterName: 'a b' }],
    ];
    for (const [what, options] of cases) assert.throws(() => new RedisStore(options), invalid(what));
  });
});
