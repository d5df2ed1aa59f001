import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { ErrorCode, OAuthToken, TokenStoreError } from 'zoho-token-store';
import { RedisStore, type RedisStoreOptions } from 'zoho-token-store/redis';
import { completeToken, HOSTILE_VALUES } from 'zoho-token-store/testing';
import { runNode } from '../_processes.js';
import { skipUnless } from '../_services.js';
import { adminClient, dropPrefix, keysUnder, randomPrefix, REDIS, REDIS_URL } from './_redis-support.js';

const skip = await skipUnless('redis');

async function rejectionCode(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return (error as { code?: unknown }).code ?? error;
  }
  return 'resolved';
}

describe('RedisStore options', () => {
  const invalid = (options: RedisStoreOptions) => rejectionCode(() => new RedisStore(options));

  test('a key prefix with whitespace, glob characters, no characters or too many is INVALID_CONFIG', async () => {
    for (const keyPrefix of ['', 'has space:', 'tab\t', 'new\nline', 'star*', 'q?', '[set]', 'back\\slash', 'x'.repeat(65)]) {
      assert.equal(await invalid({ keyPrefix }), ErrorCode.INVALID_CONFIG, JSON.stringify(keyPrefix));
    }
    assert.equal(await invalid({ keyPrefix: '{crm}:tokens:' }), 'resolved', 'hash tags are allowed');
  });

  test('a bad url, both a client and a url, or a client with its own keyPrefix is INVALID_CONFIG', async () => {
    assert.equal(await invalid({ url: 'http://127.0.0.1:6379' }), ErrorCode.INVALID_CONFIG);
    const prefixed = new Redis({ lazyConnect: true, keyPrefix: 'app:' });
    const plain = new Redis({ lazyConnect: true });
    try {
      assert.equal(await invalid({ client: prefixed }), ErrorCode.INVALID_CONFIG);
      assert.equal(await invalid({ client: plain, url: REDIS_URL }), ErrorCode.INVALID_CONFIG);
      assert.equal(await invalid({ connection: { keyPrefix: 'app:' } }), ErrorCode.INVALID_CONFIG);
      assert.equal(await invalid({ client: {} as Redis }), ErrorCode.INVALID_CONFIG);
      assert.equal(await invalid({ commandTimeoutMs: 0 }), ErrorCode.INVALID_CONFIG);
      assert.equal(await invalid({ writeLockLeaseMs: 1.5 }), ErrorCode.INVALID_CONFIG);
    } finally {
      prefixed.disconnect();
      plain.disconnect();
    }
  });

  test('a config error never repeats the password of a url', async () => {
    try {
      new RedisStore({ url: 'redis://user:s3cret-pw@host:6379', keyPrefix: 'bad prefix' });
      assert.fail('must throw');
    } catch (error) {
      assert.ok(error instanceof TokenStoreError);
      assert.doesNotMatch(error.message, /s3cret-pw/);
    }
  });
});

test('without ioredis installed, the first call gives DRIVER_MISSING naming the package', async () => {
  // The compiled library alone, in a folder with no node_modules above it.
  const dir = mkdtempSync(join(tmpdir(), 'zts-no-driver-'));
  try {
    cpSync('dist/src', join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    writeFileSync(
      join(dir, 'check.js'),
      `import { RedisStore } from './src/stores/redis/index.js';
const store = new RedisStore({ url: 'redis://127.0.0.1:1' });
try { await store.getTokens(); console.log('resolved'); } catch (error) { console.log(JSON.stringify({ code: error.code, message: error.message })); }
await store.close();`,
    );
    const result = await runNode(join(dir, 'check.js'));
    const outcome = JSON.parse(result.stdout) as { code: string; message: string };
    assert.equal(outcome.code, ErrorCode.DRIVER_MISSING);
    assert.match(outcome.message, /npm install ioredis/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('RedisStore on the server', { skip }, () => {
  const admin = adminClient();
  const prefixes: string[] = [];
  const prefix = (label = 'b'): string => {
    const value = randomPrefix(label);
    prefixes.push(value);
    return value;
  };
  const open = (options: RedisStoreOptions = {}): RedisStore => new RedisStore({ url: REDIS_URL, keyPrefix: prefix(), ...options });
  after(async () => {
    for (const value of prefixes) await dropPrefix(admin, value);
    await admin.quit();
  });

  test('keys: one hash, one id set, a counter and one index per looked-up value; no token value in any key name', async () => {
    const keyPrefix = prefix('layout');
    const store = new RedisStore({ url: REDIS_URL, keyPrefix });
    try {
      const hostile = HOSTILE_VALUES.filter((value) => value.length > 3);
      for (const [i, value] of hostile.entries()) {
        await store.saveToken(
          completeToken({
            userSignature: `${value}-user`,
            accessToken: `${value}-a${i}`,
            refreshToken: `${value}-r${i}`,
            grantToken: `${value}-g${i}`,
          }),
        );
      }
      const keys = await keysUnder(admin, keyPrefix);
      const tails = keys.map((key) => key.slice(keyPrefix.length));
      for (const tail of tails) assert.match(tail, /^(ids|seq|id:\d+|(user|access|grant|refresh):[0-9a-f]{40})$/);
      assert.equal(tails.length, 2 + hostile.length * 5);
      for (const value of hostile) assert.ok(!keys.some((key) => key.includes(value)), 'a token value appears in a key name');
      for (const [i, value] of hostile.entries()) {
        const found = await store.findToken(new OAuthToken({ accessToken: `${value}-a${i}` }));
        assert.equal(found?.userName, `${value}-user`);
      }
      await store.deleteTokens();
      assert.deepEqual(
        (await keysUnder(admin, keyPrefix)).map((key) => key.slice(keyPrefix.length)),
        ['seq'],
        'deleting every token must leave no hash, index or id behind (the id counter stays)',
      );
    } finally {
      await store.close();
    }
  });

  test('hashes use the official column names, so other tools can read them, plus the version field "v"', async () => {
    const keyPrefix = prefix('columns');
    const store = new RedisStore({ url: REDIS_URL, keyPrefix });
    try {
      const token = completeToken({ redirectUrl: null });
      await store.saveToken(token);
      const hash = await admin.hgetall(`${keyPrefix}id:${token.id}`);
      assert.deepEqual(Object.keys(hash).sort(), [
        'access_token',
        'api_domain',
        'client_id',
        'client_secret',
        'expiry_time',
        'grant_token',
        'id',
        'refresh_token',
        'user_name',
        'v',
      ]);
      assert.equal(hash.expiry_time, String(token.expiresAt));
    } finally {
      await store.close();
    }
  });

  test('tokens sharing a value: a lookup finds the lowest id, and the other after that one is deleted', async () => {
    const store = open();
    try {
      const shared = completeToken();
      const first = OAuthToken.from({ ...shared, userSignature: 'first@example.com' });
      const second = OAuthToken.from({ ...shared, userSignature: 'second@example.com' });
      await store.saveToken(first);
      await store.saveToken(second);
      const byAccess = new OAuthToken({ accessToken: shared.accessToken });
      assert.equal((await store.findToken(byAccess))?.id, first.id);
      await store.deleteToken(String(first.id));
      assert.equal((await store.findToken(byAccess))?.id, second.id);
    } finally {
      await store.close();
    }
  });

  test('an update moves the indexes: the old value no longer finds the token', async () => {
    const store = open();
    try {
      const token = completeToken();
      await store.saveToken(token);
      const oldAccess = token.accessToken;
      await store.saveToken(new OAuthToken({ userSignature: token.userName, accessToken: 'new-access' }));
      assert.equal(await store.findToken(new OAuthToken({ accessToken: oldAccess })), null);
      assert.equal((await store.findToken(new OAuthToken({ accessToken: 'new-access' })))?.id, token.id);
    } finally {
      await store.close();
    }
  });

  test('ids continue after an explicit id took the next counter value', async () => {
    const store = open();
    try {
      await store.saveToken(completeToken({ id: '2' }));
      const next = completeToken();
      const after2 = completeToken();
      await store.saveToken(next);
      await store.saveToken(after2);
      assert.deepEqual([next.id, after2.id], ['1', '3']);
    } finally {
      await store.close();
    }
  });

  test('a save waits for a write lock another process holds, and gives STORE_UNAVAILABLE past writeLockWaitMs', async () => {
    const keyPrefix = prefix('wait');
    const store = new RedisStore({ url: REDIS_URL, keyPrefix, writeLockWaitMs: 300 });
    try {
      await admin.set(`${keyPrefix}lock:write`, 'another-process', 'PX', 5_000);
      assert.equal(await rejectionCode(() => store.saveToken(completeToken())), ErrorCode.STORE_UNAVAILABLE);
      assert.equal(await rejectionCode(() => store.deleteToken('1')), ErrorCode.STORE_UNAVAILABLE);
      assert.equal(await admin.get(`${keyPrefix}lock:write`), 'another-process', 'a waiter must never free a lock it does not hold');
      assert.deepEqual(await store.getTokens(), []);

      await admin.set(`${keyPrefix}lock:write`, 'another-process', 'PX', 100);
      const token = completeToken();
      await store.saveToken(token); // waits out the 100 ms lease
      assert.equal((await store.getTokens()).length, 1);
      assert.equal(await admin.exists(`${keyPrefix}lock:write`), 0, 'the save must release its lock');
    } finally {
      await store.close();
    }
  });

  test('a write whose lock was taken over before its commit writes nothing and runs again', async () => {
    const keyPrefix = prefix('fence');
    const lockKey = `${keyPrefix}lock:write`;
    const client = new Redis({ host: REDIS.host, port: REDIS.port });
    // Between the save's read and its commit, another process takes the lock (as if this save's lease ran out).
    let stolen = 0;
    let stealsLeft = 1;
    let stealMs = 50;
    const evalsha = client.evalsha.bind(client) as (...args: unknown[]) => Promise<unknown>;
    (client as unknown as { evalsha: (...args: unknown[]) => Promise<unknown> }).evalsha = async (...args: unknown[]) => {
      // The commit: the only script of a save that declares the lock and the id set first.
      const [, numKeys, lock, ids] = args;
      if (Number(numKeys) > 2 && lock === lockKey && ids === `${keyPrefix}ids` && stealsLeft > 0) {
        stolen += 1;
        stealsLeft -= 1;
        await admin.set(lockKey, 'thief', 'PX', stealMs);
      }
      return evalsha(...args);
    };
    const store = new RedisStore({ client, keyPrefix, writeLockWaitMs: 1_000 });
    try {
      const token = completeToken();
      await store.saveToken(token);
      assert.equal(stolen, 1, 'the first commit must have met the thief');
      const stored = await store.getTokens();
      assert.equal(stored.length, 1);
      assert.equal(stored[0]?.accessToken, token.accessToken);

      stealMs = 10_000;
      stealsLeft = 1;
      const other = completeToken();
      assert.equal(await rejectionCode(() => store.saveToken(other)), ErrorCode.STORE_UNAVAILABLE);
      assert.equal(await store.findToken(new OAuthToken({ userSignature: other.userName })), null, 'nothing may be written');
      assert.equal(await admin.get(lockKey), 'thief');
    } finally {
      await store.close();
      client.disconnect();
    }
  });

  // The write scripts declare the index keys they touch, computed from the token as read (redis-declared-keys.ts):
  // a token changed between that read and the script must make the script write nothing, and the write read again.
  /** A client whose next script call of the given kind first runs `meddle` (as another program would, unlocked). */
  const meddlingClient = (isTarget: (keys: readonly unknown[]) => boolean, meddle: () => Promise<unknown>) => {
    const client = new Redis({ host: REDIS.host, port: REDIS.port });
    let left = 1;
    const evalsha = client.evalsha.bind(client) as (...args: unknown[]) => Promise<unknown>;
    (client as unknown as { evalsha: (...args: unknown[]) => Promise<unknown> }).evalsha = async (...args: unknown[]) => {
      const keys = args.slice(2, 2 + Number(args[1]));
      if (left > 0 && isTarget(keys)) {
        left -= 1;
        await meddle();
      }
      return evalsha(...args);
    };
    return { client, met: () => left === 0 };
  };
  /** Moves a token's access token to `accessToken` behind the store's back, index entry included, as a save would. */
  const changeAccessToken = async (keyPrefix: string, id: string, from: string, accessToken: string) => {
    const sha1 = (value: string) => createHash('sha1').update(value).digest('hex');
    await admin
      .multi()
      .hset(`${keyPrefix}id:${id}`, 'access_token', accessToken, 'v', `meddled-${accessToken}`)
      .zrem(`${keyPrefix}access:${sha1(from)}`, id)
      .zadd(`${keyPrefix}access:${sha1(accessToken)}`, Number(id), id)
      .exec();
  };

  test("a token changed between a locked save's read and its commit: the commit writes nothing, the save runs again from a fresh read", async () => {
    const keyPrefix = prefix('stale-commit');
    const first = completeToken({ userSignature: 'stale@example.com', accessToken: 'access-1' });
    const seed = new RedisStore({ url: REDIS_URL, keyPrefix });
    await seed.saveToken(first);
    await seed.close();
    const { client, met } = meddlingClient(
      (keys) => keys[0] === `${keyPrefix}lock:write` && keys[1] === `${keyPrefix}ids`,
      () => changeAccessToken(keyPrefix, String(first.id), 'access-1', 'access-2'),
    );
    const store = new RedisStore({ client, keyPrefix });
    try {
      // A store that has not seen the token saves it under the write lock (its read and the commit are two calls).
      await store.saveToken(completeToken({ userSignature: 'stale@example.com', accessToken: 'access-3' }));
      assert.ok(met(), 'the commit must have met the change');
      assert.equal((await store.findToken(new OAuthToken({ accessToken: 'access-3' })))?.id, first.id);
      for (const gone of ['access-1', 'access-2']) {
        assert.equal(await store.findToken(new OAuthToken({ accessToken: gone })), null, `no index entry may be left for ${gone}`);
      }
      const indexes = (await keysUnder(admin, keyPrefix)).filter((key) => key.startsWith(`${keyPrefix}access:`));
      assert.equal(indexes.length, 1, 'one access-token index: the one of the value stored');
    } finally {
      await store.close();
      client.disconnect();
    }
  });

  test("a token changed between a delete's read and its script: the script deletes nothing, the delete reads again and leaves no index entry", async () => {
    const keyPrefix = prefix('stale-delete');
    const token = completeToken({ accessToken: 'access-1' });
    const { client, met } = meddlingClient(
      (keys) => keys[0] === `${keyPrefix}lock:write` && keys[1] === `${keyPrefix}ids`,
      () => changeAccessToken(keyPrefix, String(token.id), 'access-1', 'access-2'),
    );
    const seed = new RedisStore({ url: REDIS_URL, keyPrefix });
    await seed.saveToken(token);
    await seed.close();
    const store = new RedisStore({ client, keyPrefix });
    try {
      await store.deleteToken(String(token.id));
      assert.ok(met(), 'the delete must have met the change');
      assert.deepEqual(
        (await keysUnder(admin, keyPrefix)).map((key) => key.slice(keyPrefix.length)),
        ['seq'],
        'no hash, index entry or id may be left',
      );
    } finally {
      await store.close();
      client.disconnect();
    }
  });

  test('a new token whose counter id is already stored (the counter behind): the commit refuses it, the save takes the next free id', async () => {
    const keyPrefix = prefix('taken-id');
    const store = new RedisStore({ url: REDIS_URL, keyPrefix });
    try {
      const first = completeToken({ userSignature: 'first@example.com' });
      await store.saveToken(first);
      const second = completeToken({ userSignature: 'second@example.com' });
      await store.saveToken(second);
      await admin.set(`${keyPrefix}seq`, '0'); // as after a copy that kept the ids but not the counter
      const third = completeToken({ userSignature: 'third@example.com' });
      await store.saveToken(third);
      assert.equal(third.id, '3');
      const stored = new Map((await store.getTokens()).map((token) => [token.userName, token]));
      assert.equal(stored.size, 3);
      assert.equal(stored.get('first@example.com')?.accessToken, first.accessToken, 'a stored token is never overwritten by an insert');
      assert.equal(stored.get('second@example.com')?.accessToken, second.accessToken);
      assert.equal(stored.get('third@example.com')?.id, '3');
    } finally {
      await store.close();
    }
  });

  test('refresh lock: exclusive, null after waitMs, next holder after release, release twice is safe', async () => {
    const store = open();
    const other = open({ keyPrefix: prefixes.at(-1) });
    try {
      assert.equal(store.refreshLockScope, 'cluster');
      const lease = await store.acquireRefreshLock('5', { waitMs: 0, leaseMs: 10_000 });
      assert.ok(lease);
      assert.equal(await other.acquireRefreshLock('5', { waitMs: 150, leaseMs: 10_000 }), null);
      assert.ok(await other.acquireRefreshLock('6', { waitMs: 0, leaseMs: 10_000 }), 'another key is free');
      const waiting = other.acquireRefreshLock('5', { waitMs: 5_000, leaseMs: 10_000 });
      await delay(50);
      await lease.release();
      await lease.release();
      const next = await waiting;
      assert.ok(next, 'a waiter takes the lock after release');
      await next.release();
    } finally {
      await store.close();
      await other.close();
    }
  });

  test('refresh lock: an expired lease cannot release the lock its successor holds; abort rejects the wait', async () => {
    const store = open();
    const other = open({ keyPrefix: prefixes.at(-1) });
    try {
      const stale = await store.acquireRefreshLock('9', { waitMs: 0, leaseMs: 50 });
      assert.ok(stale);
      const successor = await other.acquireRefreshLock('9', { waitMs: 2_000, leaseMs: 10_000 });
      assert.ok(successor, 'the lease expired, so the lock is free again');
      await stale.release();
      assert.equal(
        await store.acquireRefreshLock('9', { waitMs: 50, leaseMs: 1_000 }),
        null,
        'the stale release freed the successor’s lock',
      );
      const controller = new AbortController();
      const waiting = store.acquireRefreshLock('9', { waitMs: 5_000, leaseMs: 1_000, signal: controller.signal });
      controller.abort(new Error('stop waiting'));
      await assert.rejects(waiting, (error: unknown) => error === controller.signal.reason);
      await successor.release();
    } finally {
      await store.close();
      await other.close();
    }
  });

  test('refused credentials give STORE_ACCESS_DENIED', async () => {
    const store = new RedisStore({
      url: `redis://no-such-user:wrong-pw@${REDIS.host}:${REDIS.port}`,
      keyPrefix: prefix(),
      commandTimeoutMs: 1_000,
    });
    try {
      for (const call of [() => store.findTokenById('1'), () => store.saveToken(completeToken()), () => store.getTokens()]) {
        const code = await rejectionCode(call);
        assert.equal(code, ErrorCode.STORE_ACCESS_DENIED);
      }
      try {
        await store.findTokenById('1');
      } catch (error) {
        assert.doesNotMatch(String((error as Error).message), /wrong-pw/);
      }
    } finally {
      await store.close();
    }
  });

  test('close() quits the client the store opened, is safe twice, and later calls are STORE_CLOSED', async () => {
    const connectionName = `zts-close-${Math.random().toString(36).slice(2)}`;
    const connected = async () => String(await admin.client('LIST')).includes(`name=${connectionName} `);
    const store = open({ connection: { connectionName } });
    await store.saveToken(completeToken());
    assert.ok(await connected(), 'the store must have opened its connection');
    await store.close();
    await store.close();
    assert.equal(await rejectionCode(() => store.getTokens()), ErrorCode.STORE_CLOSED);
    assert.equal(await connected(), false, 'close() must quit the connection the store opened');
    const never = open();
    await never.close(); // never connected: nothing to quit
  });
});
