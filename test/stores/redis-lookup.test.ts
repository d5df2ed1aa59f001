import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, describe, test } from 'node:test';
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
