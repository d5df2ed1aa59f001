import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { OAuthToken } from 'zoho-token-store';
import { RedisStore } from 'zoho-token-store/redis';
import { completeToken } from 'zoho-token-store/testing';
import { skipUnless } from '../_services.js';
import { REDIS_URL, adminClient, dropPrefix, randomPrefix } from './_redis-support.js';

const skip = await skipUnless('redis');

describe('RedisStore lookups: SORT_RO, and the script where SORT_RO cannot answer', { skip }, () => {
  const admin = adminClient();
  const prefixes: string[] = [];
  const open = (prefix: string): RedisStore => {
    prefixes.push(prefix);
    return new RedisStore({ url: REDIS_URL, keyPrefix: prefix });
  };

  after(async () => {
    for (const prefix of prefixes) await dropPrefix(admin, prefix);
    await admin.quit();
  });

  test('an index whose first id does not hold the value (as after a digest collision) is walked on to the token that does', async () => {
    const prefix = randomPrefix('lookup');
    const store = open(prefix);
    try {
      const token = completeToken();
      await store.saveToken(token);
      // A token with a lower id, filed under the same index key but holding another user name.
      const digest = createHash('sha1').update(String(token.userName)).digest('hex');
      await admin.hset(`${prefix}id:0`, { id: '0', user_name: 'someone.else@example.com', access_token: 'other' });
      await admin.zadd(`${prefix}user:${digest}`, 0, '0');
      const found = await store.findToken(new OAuthToken({ userSignature: token.userName }));
      assert.equal(found?.id, token.id);
      assert.equal(found?.accessToken, token.accessToken);
    } finally {
      await store.close();
    }
  });

  test('a key prefix holding "->" (which SORT would split at) is served by the script, lowest id first', async () => {
    const store = open(randomPrefix('arrow->'));
    try {
      const shared = completeToken();
      const first = OAuthToken.from({ ...shared, userSignature: 'first@example.com' });
      const second = OAuthToken.from({ ...shared, userSignature: 'second@example.com' });
      await store.saveToken(first);
      await store.saveToken(second);
      assert.equal((await store.findToken(new OAuthToken({ userSignature: 'second@example.com' })))?.id, second.id);
      assert.equal((await store.findToken(new OAuthToken({ accessToken: shared.accessToken })))?.id, first.id);
      await store.deleteToken(String(first.id));
      assert.equal((await store.findToken(new OAuthToken({ accessToken: shared.accessToken })))?.id, second.id);
    } finally {
      await store.close();
    }
  });
});

describe('RedisStore lookups by user name: one HMGET at the id the name was last found at', { skip }, () => {
  const admin = adminClient();
  const prefix = randomPrefix('user-ids');
  const client = new Redis(REDIS_URL);
  const sent: string[] = [];
  const send = client.sendCommand.bind(client);
  client.sendCommand = ((command: { name: string }, ...rest: unknown[]) => {
    sent.push(command.name.toLowerCase());
    return send(command as Parameters<typeof send>[0], ...(rest as []));
  }) as typeof client.sendCommand;
  const store = new RedisStore({ client, keyPrefix: prefix });
  const other = new RedisStore({ url: REDIS_URL, keyPrefix: prefix });
  const byUser = (name: string | null) => store.findToken(new OAuthToken({ userSignature: name }));

  after(async () => {
    await store.close();
    await other.close();
    await client.quit();
    await dropPrefix(admin, prefix);
    await admin.quit();
  });

  test('the second lookup of a user is one HMGET', async () => {
    const token = completeToken();
    await other.saveToken(token);
    assert.equal((await byUser(token.userName))?.id, token.id);
    sent.length = 0;
    assert.equal((await byUser(token.userName))?.accessToken, token.accessToken);
    assert.deepEqual(sent, ['hmget']);
  });

  test('a user renamed, deleted or stored again under another id by another store is still found right', async () => {
    const token = completeToken();
    await other.saveToken(token);
    assert.equal((await byUser(token.userName))?.id, token.id);
    // Renamed: the old name finds nothing, the new one the token.
    await other.saveToken(new OAuthToken({ id: token.id, userSignature: 'renamed@example.com', accessToken: 'a2' }));
    assert.equal(await byUser(token.userName), null);
    assert.equal((await byUser('renamed@example.com'))?.id, token.id);
    // Deleted, then saved again: a new id.
    await other.deleteToken(String(token.id));
    assert.equal(await byUser('renamed@example.com'), null);
    const again = new OAuthToken({ userSignature: 'renamed@example.com', accessToken: 'a3' });
    await other.saveToken(again);
    assert.notEqual(again.id, token.id);
    const found = await byUser('renamed@example.com');
    assert.equal(found?.id, again.id);
    assert.equal(found?.accessToken, 'a3');
  });
});
