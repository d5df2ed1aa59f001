import { after, describe, test } from 'node:test';
import { RedisStore } from 'zoho-token-store/redis';
import { testTokenStore } from 'zoho-token-store/testing';
import { skipUnless } from '../_services.js';
import { adminClient, dropPrefix, randomPrefix, REDIS_URL } from './_redis-support.js';

const skip = await skipUnless('redis');

describe('RedisStore: the conformance kit', { skip }, () => {
  const admin = adminClient();
  const prefixes = new Map<RedisStore, string>();
  after(() => admin.quit());

  testTokenStore(
    test,
    () => {
      const keyPrefix = randomPrefix('kit');
      const store = new RedisStore({ url: REDIS_URL, keyPrefix });
      prefixes.set(store, keyPrefix);
      return store;
    },
    {
      dispose: async (store) => {
        await store.close();
        await dropPrefix(admin, prefixes.get(store) as string);
      },
    },
  );
});
