import assert from 'node:assert/strict';
import { after, afterEach, beforeEach, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { OAuthToken } from 'zoho-token-store';
import { RedisStore } from 'zoho-token-store/redis';
import { completeToken, zohoLikeToken } from 'zoho-token-store/testing';
import { skipUnless } from '../_services.js';
import { REDIS, REDIS_URL, adminClient, dropPrefix, randomPrefix } from './_redis-support.js';
import { concurrentFieldUpdatesKeepBoth, deletedSinceReadIsSavedAgain } from './_version-scenarios.js';

const skip = await skipUnless('redis');

/** A client that records the name of every command sent through it. */
function recordingClient(): { client: Redis; sent: string[] } {
  const client = new Redis({ host: REDIS.host, port: REDIS.port, commandTimeout: 5_000 });
  const sent: string[] = [];
  const send = client.sendCommand.bind(client);
  client.sendCommand = ((command: { name: string }, ...rest: unknown[]) => {
    sent.push(command.name.toLowerCase());
    return (send as (...args: unknown[]) => unknown)(command, ...rest);
  }) as typeof client.sendCommand;
  return { client, sent };
}

describe('RedisStore saves a token it has seen with one compare-and-set script, and falls back when it changed', { skip }, () => {
  const admin = adminClient();
  let prefix = '';
  let recorded: ReturnType<typeof recordingClient>;
  let store: RedisStore;
  let other: RedisStore;
  const hash = (id: string | null) => admin.hgetall(`${prefix}id:${id}`);

  beforeEach(() => {
    prefix = randomPrefix('versions');
    recorded = recordingClient();
    store = new RedisStore({ client: recorded.client, keyPrefix: prefix });
    other = new RedisStore({ url: REDIS_URL, keyPrefix: prefix });
  });

  afterEach(async () => {
    await store.close();
    await other.close();
    await recorded.client.quit();
    await dropPrefix(admin, prefix);
  });

  after(async () => {
    await admin.quit();
  });

  test('a save after findToken of the same user is one EVALSHA without the write lock, and moves the index', async () => {
    const token = completeToken();
    await store.saveToken(token);
    const found = await store.findToken(new OAuthToken({ userSignature: token.userName }));
    assert.ok(found);
    recorded.sent.length = 0;
    const access = zohoLikeToken();
    found.accessToken = access;
    found.expiresAt = 1_800_000_000_000;
    await store.saveToken(found);
    assert.deepEqual(recorded.sent, ['evalsha']);
    assert.equal(await admin.exists(`${prefix}lock:write`), 0);
    const stored = await hash(token.id);
    assert.equal(stored.access_token, access);
    assert.equal(stored.expiry_time, '1800000000000');
    assert.equal(stored.refresh_token, token.refreshToken);
    assert.equal((await other.findToken(new OAuthToken({ accessToken: access })))?.id, token.id);
    assert.equal(await other.findToken(new OAuthToken({ accessToken: token.accessToken })), null);
  });

  test('a token another store changed since it was read is not overwritten: the save reads it again', async () => {
    const token = completeToken();
    await store.saveToken(token);
    assert.ok(await store.findToken(new OAuthToken({ userSignature: token.userName })));
    const refresh = zohoLikeToken();
    await other.saveToken(new OAuthToken({ userSignature: token.userName, refreshToken: refresh }));
    recorded.sent.length = 0;
    const access = zohoLikeToken();
    await store.saveToken(new OAuthToken({ userSignature: token.userName, accessToken: access }));
    assert.ok(recorded.sent.length > 1, 'the first compare-and-set must have been refused');
    const stored = await hash(token.id);
    assert.equal(stored.refresh_token, refresh);
    assert.equal(stored.access_token, access);
  });

  test('while another writer holds the write lock, the compare-and-set writes nothing and the save waits for the lock', async () => {
    const token = completeToken();
    await store.saveToken(token);
    assert.ok(await store.findToken(new OAuthToken({ userSignature: token.userName })));
    // Another process's locked save: it has read the token and will commit from that read.
    await admin.set(`${prefix}lock:write`, 'another-writer', 'PX', 5_000);
    const access = zohoLikeToken();
    let settled = false;
    const saving = store.saveToken(new OAuthToken({ userSignature: token.userName, accessToken: access })).finally(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(settled, false, 'the save must wait for the lock');
    assert.equal((await hash(token.id)).access_token, token.accessToken, "nothing may be written under another writer's lock");
    await admin.del(`${prefix}lock:write`);
    await saving;
    assert.equal((await hash(token.id)).access_token, access);
  });

  test('a token another store deleted since it was read is saved again as a new token', () => deletedSinceReadIsSavedAgain(store, other));

  test("two stores updating different fields of one token at once lose neither store's last write", () =>
    concurrentFieldUpdatesKeepBoth(store, other, hash));

  test('a save that changes nothing only checks the version (one HGET), and is written when the token changed since', async () => {
    const token = completeToken();
    await store.saveToken(token);
    assert.ok(await store.findToken(new OAuthToken({ userSignature: token.userName })));
    recorded.sent.length = 0;
    await store.saveToken(new OAuthToken({ userSignature: token.userName, refreshToken: token.refreshToken }));
    assert.deepEqual(recorded.sent, ['hget']);
    // Another store changes the refresh token; this store's save of the old one is then a change, not a no-op.
    await other.saveToken(new OAuthToken({ userSignature: token.userName, refreshToken: zohoLikeToken() }));
    await store.saveToken(new OAuthToken({ userSignature: token.userName, refreshToken: token.refreshToken }));
    assert.equal((await hash(token.id)).refresh_token, token.refreshToken);
  });

  for (const how of ['a compare-and-set', 'a locked save'] as const) {
    test(`a save setting back a value read is written after ${how} of another store changed it (every write sets a new version)`, async () => {
      const token = completeToken();
      await store.saveToken(token);
      assert.ok(await store.findToken(new OAuthToken({ userSignature: token.userName })));
      // The other store saves from a version it read (compare-and-set) or from nothing (the locked path).
      if (how === 'a compare-and-set') assert.ok(await other.findToken(new OAuthToken({ userSignature: token.userName })));
      await other.saveToken(
        new OAuthToken({ userSignature: token.userName, clientId: 'another.client', refreshToken: token.refreshToken }),
      );
      assert.equal((await hash(token.id)).client_id, 'another.client');
      await store.saveToken(new OAuthToken({ userSignature: token.userName, clientId: token.clientId, accessToken: zohoLikeToken() }));
      assert.equal((await hash(token.id)).client_id, token.clientId);
    });
  }

  test('a token deleted and saved again under its old id has a new version: a save from the old read is not applied to it', async () => {
    const token = completeToken();
    await store.saveToken(token);
    assert.ok(await store.findToken(new OAuthToken({ userSignature: token.userName })));
    await other.deleteToken(String(token.id));
    const again = OAuthToken.from(token);
    again.clientId = 'another.client';
    await other.saveToken(again);
    assert.equal((await hash(token.id)).client_id, 'another.client');
    await store.saveToken(new OAuthToken({ userSignature: token.userName, clientId: token.clientId, accessToken: zohoLikeToken() }));
    assert.equal((await hash(token.id)).client_id, token.clientId);
  });

  test('a token hash without a version (written before versions existed) is saved by the locked path, which gives it one', async () => {
    const token = completeToken();
    await store.saveToken(token);
    await admin.hdel(`${prefix}id:${token.id}`, 'v');
    assert.ok(await store.findToken(new OAuthToken({ userSignature: token.userName })));
    recorded.sent.length = 0;
    const access = zohoLikeToken();
    await store.saveToken(new OAuthToken({ userSignature: token.userName, accessToken: access }));
    assert.ok(!recorded.sent.includes('hget') && recorded.sent.length >= 2, 'the locked path: lock-and-read, then commit');
    const stored = await hash(token.id);
    assert.equal(stored.access_token, access);
    assert.ok(stored.v);
    recorded.sent.length = 0;
    await store.saveToken(new OAuthToken({ userSignature: token.userName, accessToken: zohoLikeToken() }));
    assert.deepEqual(recorded.sent, ['evalsha']);
  });
});
