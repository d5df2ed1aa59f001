import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { ErrorCode, OAuthToken, TokenStoreError } from 'zoho-token-store';
import { RedisStore } from 'zoho-token-store/redis';
import { completeToken } from 'zoho-token-store/testing';
import { skipUnless } from '../_services.js';
import { randomPrefix } from './_redis-support.js';

// A throwaway redis-server of this test's own, on its own port: restarting it (which also empties its script
// cache) must not touch the shared server.
const hasServer = spawnSync('redis-server', ['--version']).status === 0;
const skip = (await skipUnless('redis')) || (hasServer ? false : 'redis-server is not installed; restart test SKIPPED');
if (!hasServer) console.warn('\n*** redis-server is not installed; the Redis restart test is SKIPPED ***\n');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function startServer(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: 'ignore',
  });
  const probe = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    for (let i = 0; i < 100; i += 1) {
      try {
        await probe.connect();
        if ((await probe.ping()) === 'PONG') return child;
      } catch {
        probe.disconnect();
        await delay(50);
      }
    }
  } finally {
    probe.disconnect();
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not start on port ${port}`);
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('RedisStore across a server restart', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'zts-redis-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a restarted server (empty script cache) gives STORE_UNAVAILABLE while down, then serves again', async () => {
    const port = await freePort();
    let server = await startServer(port, dir);
    const store = new RedisStore({ url: `redis://127.0.0.1:${port}`, keyPrefix: randomPrefix('restart'), commandTimeoutMs: 1_000 });
    try {
      const before = completeToken();
      await store.saveToken(before);
      assert.equal((await store.findToken(new OAuthToken({ userSignature: before.userName })))?.id, before.id);

      await stopServer(server);
      await assert.rejects(
        store.findToken(new OAuthToken({ userSignature: before.userName })),
        (error) => error instanceof TokenStoreError && error.code === ErrorCode.STORE_UNAVAILABLE,
      );

      server = await startServer(port, dir); // no persistence: the data is gone, and so are the cached scripts
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
      await stopServer(server);
    }
  });
});
