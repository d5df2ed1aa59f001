import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { after, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { ErrorCode, OAuthToken, TokenStoreError } from 'zoho-token-store';
import { RedisStore } from 'zoho-token-store/redis';
import { completeToken } from 'zoho-token-store/testing';
import { skipUnless } from '../_services.js';
import { TcpProxy } from '../_tcp-proxy.js';
import { adminClient, dropPrefix, randomPrefix, REDIS } from './_redis-support.js';

const skip = await skipUnless('redis');

const codeOf = (error: unknown): unknown => (error instanceof TokenStoreError ? error.code : error);

/** Resolves to the error code of a call that must reject. */
async function rejectionCode(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return codeOf(error);
  }
  return 'resolved';
}

/** Retries `call` until it resolves (the store recovering), for at most `ms`. */
async function eventually<T>(call: () => Promise<T>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      assert.equal(codeOf(error), ErrorCode.STORE_UNAVAILABLE, 'while recovering, failures must be STORE_UNAVAILABLE');
      if (Date.now() > deadline) throw error;
      await delay(100);
    }
  }
}

describe('RedisStore when the server goes away', { skip }, () => {
  const admin = adminClient();
  const prefixes: string[] = [];
  const prefix = (): string => {
    const value = randomPrefix('outage');
    prefixes.push(value);
    return value;
  };
  after(async () => {
    for (const value of prefixes) await dropPrefix(admin, value);
    await admin.quit();
  });

  test('a store it opened gives STORE_UNAVAILABLE within the bound while cut, then recovers', async () => {
    const proxy = await new TcpProxy(REDIS.host, REDIS.port).start();
    const store = new RedisStore({ url: `redis://127.0.0.1:${proxy.port}`, keyPrefix: prefix(), commandTimeoutMs: 1_000 });
    // ioredis prints connection errors nobody listens for; the store's own client must have a listener.
    const printed: string[] = [];
    const consoleError = console.error;
    console.error = (...args: unknown[]) => void printed.push(args.map(String).join(' '));
    try {
      const token = completeToken();
      await store.saveToken(token);
      const byUser = new OAuthToken({ userSignature: token.userName });

      await proxy.cut();
      const started = Date.now();
      assert.equal(await rejectionCode(() => store.findToken(byUser)), ErrorCode.STORE_UNAVAILABLE);
      assert.equal(await rejectionCode(() => store.saveToken(completeToken())), ErrorCode.STORE_UNAVAILABLE);
      assert.equal(await rejectionCode(() => store.getTokens()), ErrorCode.STORE_UNAVAILABLE);
      assert.equal(await rejectionCode(() => store.findTokenById(String(token.id))), ErrorCode.STORE_UNAVAILABLE);
      assert.equal(await rejectionCode(() => store.deleteToken(String(token.id))), ErrorCode.STORE_UNAVAILABLE);
      assert.equal(
        await rejectionCode(() => store.acquireRefreshLock(String(token.id), { waitMs: 100, leaseMs: 1_000 })),
        ErrorCode.STORE_UNAVAILABLE,
      );
      // Six calls, each bounded by commandTimeoutMs (1 s) at most: nothing queued until the server came back.
      assert.ok(Date.now() - started < 8_000, `calls while cut took ${Date.now() - started} ms`);

      await proxy.restore();
      const found = await eventually(() => store.findToken(byUser));
      assert.equal(found?.id, token.id);
      await store.saveToken(new OAuthToken({ userSignature: token.userName, accessToken: 'after-outage' }));
      assert.equal((await store.findTokenById(String(token.id)))?.accessToken, 'after-outage');
      assert.equal((await store.getTokens()).length, 1, 'the failed save during the outage must have written nothing');
      assert.deepEqual(
        printed.filter((line) => line.includes('ioredis')),
        [],
        'connection errors must not go unhandled',
      );
    } finally {
      console.error = consoleError;
      await store.close();
      await proxy.close();
    }
  });

  test('saves running while the server is cut fail typed, and what was stored stays consistent', async () => {
    const proxy = await new TcpProxy(REDIS.host, REDIS.port).start();
    const keyPrefix = prefix();
    const store = new RedisStore({ url: `redis://127.0.0.1:${proxy.port}`, keyPrefix, commandTimeoutMs: 1_000 });
    try {
      const tokens = Array.from({ length: 60 }, () => completeToken());
      const codes: unknown[] = [];
      const saves = tokens.map((token, i) =>
        delay(i * 5)
          .then(() => store.saveToken(token))
          .then(
            () => 'saved',
            (error: unknown) => codeOf(error),
          ),
      );
      await delay(100);
      await proxy.cut();
      await delay(200);
      await proxy.restore();
      codes.push(...(await Promise.all(saves)));
      assert.ok(
        codes.every((code) => code === 'saved' || code === ErrorCode.STORE_UNAVAILABLE),
        `unexpected outcomes: ${[...new Set(codes)].join(', ')}`,
      );
      assert.ok(codes.includes(ErrorCode.STORE_UNAVAILABLE), 'some saves must have met the outage');

      // Recovery: every token is either fully stored (found by each key) or absent; saving again fixes the rest.
      const listed = await eventually(() => store.getTokens());
      for (const stored of listed) {
        const byAccess = await store.findToken(new OAuthToken({ accessToken: stored.accessToken }));
        assert.equal(byAccess?.id, stored.id);
        const byUser = await store.findToken(new OAuthToken({ userSignature: stored.userName }));
        assert.equal(byUser?.id, stored.id);
      }
      for (const token of tokens) await store.saveToken(OAuthToken.from({ ...token, id: null }));
      assert.equal((await store.getTokens()).length, tokens.length);
    } finally {
      await store.close();
      await proxy.close();
    }
  });

  test('a client passed in without timeouts is still bounded, and is left open by close()', async () => {
    const proxy = await new TcpProxy(REDIS.host, REDIS.port).start();
    // The settings BullMQ asks for: queue forever, never give up.
    const client = new Redis({ host: '127.0.0.1', port: proxy.port, maxRetriesPerRequest: null });
    const events: Error[] = [];
    client.on('error', (error: Error) => events.push(error));
    const store = new RedisStore({ client, keyPrefix: prefix(), commandTimeoutMs: 1_000 });
    try {
      const token = completeToken();
      await store.saveToken(token);
      await proxy.cut();
      await delay(20);
      const started = Date.now();
      assert.equal(await rejectionCode(() => store.findTokenById(String(token.id))), ErrorCode.STORE_UNAVAILABLE);
      assert.ok(Date.now() - started < 4_000);
      await proxy.restore();
      assert.equal((await eventually(() => store.findTokenById(String(token.id))))?.id, token.id);
      await store.close();
      assert.equal(client.status, 'ready', 'close() must not close a client it did not open');
      assert.equal(await client.ping(), 'PONG');
    } finally {
      await store.close();
      client.disconnect();
      await proxy.close();
    }
  });

  test('an unreachable server gives STORE_UNAVAILABLE, not a hang, and no crash', async () => {
    const proxy = await new TcpProxy(REDIS.host, REDIS.port).start();
    const port = proxy.port;
    await proxy.close(); // nothing listens on this port now
    const store = new RedisStore({ url: `redis://127.0.0.1:${port}`, keyPrefix: prefix(), commandTimeoutMs: 500 });
    try {
      const started = Date.now();
      assert.equal(await rejectionCode(() => store.getTokens()), ErrorCode.STORE_UNAVAILABLE);
      assert.equal(await rejectionCode(() => store.saveToken(completeToken())), ErrorCode.STORE_UNAVAILABLE);
      assert.ok(Date.now() - started < 4_000);
    } finally {
      await store.close();
    }
  });
});
