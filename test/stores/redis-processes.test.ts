import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, describe, test } from 'node:test';
import { OAuthToken } from 'zoho-token-store';
import { RedisStore } from 'zoho-token-store/redis';
import { runWorkers } from '../_processes.js';
import { skipUnless } from '../_services.js';
import { adminClient, dropPrefix, randomPrefix, REDIS_URL } from './_redis-support.js';

const skip = await skipUnless('redis');
const SAVE_WORKER = 'dist/test/stores/_redis-save-worker.js';
const LOCK_WORKER = 'dist/test/stores/_redis-lock-worker.js';
const LOCK_HOLDER = 'dist/test/stores/_redis-lock-holder.js';

interface LockReport {
  acquired: number;
  nulls: number;
  overlaps: number;
}

describe('RedisStore across processes', { skip }, () => {
  const admin = adminClient();
  const prefixes: string[] = [];
  const prefix = (label: string): string => {
    const value = randomPrefix(label);
    prefixes.push(value);
    return value;
  };
  after(async () => {
    for (const value of prefixes) await dropPrefix(admin, value);
    await admin.quit();
  });

  test('8 processes × 50 concurrent saves of distinct users store 400 tokens with 400 distinct decimal ids', async () => {
    const keyPrefix = prefix('procs');
    const results = await runWorkers(SAVE_WORKER, 8, (i) => [REDIS_URL, keyPrefix, String(i), '50']);
    const reported = results.flatMap((result) => JSON.parse(result.stdout) as string[]);
    assert.equal(reported.length, 400);
    assert.equal(new Set(reported).size, 400, 'every save must report its own id');

    const store = new RedisStore({ url: REDIS_URL, keyPrefix });
    try {
      const tokens = await store.getTokens();
      assert.equal(tokens.length, 400);
      assert.deepEqual(new Set(tokens.map((token) => token.id)), new Set(reported));
      for (const token of tokens) assert.match(String(token.id), /^\d{1,10}$/);
      for (const [worker, user] of [
        [0, 0],
        [3, 25],
        [7, 49],
      ] as const) {
        const found = await store.findToken(new OAuthToken({ userSignature: `w${worker}-u${user}@workers.example.com` }));
        assert.ok(found && reported.includes(String(found.id)), `user ${user} of worker ${worker} must be found`);
      }
    } finally {
      await store.close();
    }
  });

  test('the refresh lock excludes holders in other processes, and every waiter gets its turn', async () => {
    const keyPrefix = prefix('lock');
    const results = await runWorkers(LOCK_WORKER, 4, () => [REDIS_URL, keyPrefix, '42', '5', '20', '10000', '5000']);
    const reports = results.map((result) => JSON.parse(result.stdout) as LockReport);
    assert.deepEqual(
      reports.map((report) => report.overlaps),
      [0, 0, 0, 0],
      'two processes held the lock at once',
    );
    assert.equal(
      reports.reduce((sum, report) => sum + report.acquired, 0),
      20,
      'every round must get the lock',
    );
  });

  test('a SIGKILLed holder blocks others only until its lease expires; a short wait resolves null meanwhile', async () => {
    const keyPrefix = prefix('kill');
    const leaseMs = 1_500;
    const holder = spawn(process.execPath, [LOCK_HOLDER, REDIS_URL, keyPrefix, '7', String(leaseMs)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => holder.once('exit', (_code, signal) => resolve(signal)));
    const said = await new Promise<string>((resolve, reject) => {
      holder.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
      holder.once('error', reject);
      holder.once('exit', () => reject(new Error('the holder exited before taking the lock')));
    });
    assert.equal(said, 'held');
    holder.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');

    const store = new RedisStore({ url: REDIS_URL, keyPrefix });
    try {
      assert.equal(await store.acquireRefreshLock('7', { waitMs: 100, leaseMs: 1_000 }), null, 'the dead holder still holds it');
    } finally {
      await store.close();
    }
    // Three processes, each taking the lock twice: they can only finish once the dead holder's lease expired.
    const started = Date.now();
    const results = await runWorkers(LOCK_WORKER, 3, () => [REDIS_URL, keyPrefix, '7', '2', '10', String(leaseMs + 3_000), '5000']);
    const reports = results.map((result) => JSON.parse(result.stdout) as LockReport);
    assert.deepEqual(
      reports.map((report) => report.acquired),
      [2, 2, 2],
    );
    assert.deepEqual(
      reports.map((report) => report.overlaps),
      [0, 0, 0],
    );
    assert.ok(Date.now() - started < leaseMs + 10_000, 'the waiters must finish within the wait bound');
  });
});
