// The bad day, fourth part: the Redis server holding the refresh lock restarts for about a second while the callers
// wait. The waiters ride the outage out within their wait: none fails, and the one refresh serves them all.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { skipUnless } from '../_services.js';
import { authorizedExpired, reportsOf, startRound, totals, until } from './_bad-day.js';

const hasServer = spawnSync('redis-server', ['--version']).status === 0;
const skip = (await skipUnless('redis')) || (hasServer ? false : 'redis-server is not installed; the restart test is SKIPPED');

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

/** A throwaway redis-server that keeps its data across a restart (append-only file, fsync on every write). */
async function startServer(port: number, dir: string): Promise<ChildProcess> {
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'yes',
    '--appendfsync',
    'always',
    '--dir',
    dir,
  ];
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  const probe = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    for (let i = 0; i < 200; i += 1) {
      try {
        await probe.connect();
        if ((await probe.ping()) === 'PONG') return child;
      } catch {
        probe.disconnect();
        await delay(25);
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
  child.kill('SIGTERM'); // a clean shutdown: the append-only file is complete
  await exited;
}

describe('the Redis server restarts while callers wait for the refresh lock', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'zts-bad-day-redis-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a restart of about 1 s during the wait: 0 callers fail, 1 refresh request, one token for all', async () => {
    const port = await freePort();
    let server = await startServer(port, dir);
    const spec = { kind: 'redis' as const, keyPrefix: `zts-test:restart:${randomBytes(5).toString('hex')}:`, port };
    const setup = await authorizedExpired(spec);
    try {
      setup.emulator.faults.delay(4_000);
      const workers = await startRound(setup, 4, 50);
      await until(() => setup.emulator.stats.refreshRequests() === 1, "the holder's refresh request");
      await delay(300); // the others are waiting for the lock now
      await stopServer(server);
      await delay(1_000);
      server = await startServer(port, dir);
      const { served, failed, digests } = totals(await reportsOf(workers));
      assert.deepEqual(failed, {}, 'no caller may fail');
      assert.equal(served, 200);
      assert.equal(digests.size, 1, 'one new token for every caller');
      assert.equal(setup.emulator.stats.refreshRequests(), 1, 'refresh requests');
    } finally {
      await setup.emulator.close();
      await stopServer(server);
    }
  });
});
