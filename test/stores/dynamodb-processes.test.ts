import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { OAuthToken } from 'zoho-token-store';
import { DynamoDBStore } from 'zoho-token-store/dynamodb';
import { runWorkers } from '../_processes.js';
import { dynaliteOptions, startDynalite, uniqueTable, type RunningDynalite } from './_dynalite.js';

const SAVE_WORKER = 'dist/test/stores/_dynamodb-save-worker.js';
const LOCK_WORKER = 'dist/test/stores/_dynamodb-lock-worker.js';
const LOCK_HOLDER = 'dist/test/stores/_dynamodb-lock-holder.js';

interface LockReport {
  acquired: number;
  nulls: number;
  holds: Array<[number, number]>;
}

/** Holds of every worker that overlap in time (two holders at once). */
function overlapping(reports: readonly LockReport[]): number {
  const holds = reports.flatMap((report) => report.holds).sort((a, b) => a[0] - b[0]);
  let overlaps = 0;
  for (let i = 1; i < holds.length; i += 1) if ((holds[i] as [number, number])[0] < (holds[i - 1] as [number, number])[1]) overlaps += 1;
  return overlaps;
}

describe('DynamoDBStore across processes, on one dynalite', () => {
  let dynamo: RunningDynalite;
  before(async () => {
    dynamo = await startDynalite();
  });
  after(() => dynamo.stop());

  test('8 processes × 50 concurrent saves of distinct users store 400 tokens with 400 distinct decimal ids', async () => {
    const table = uniqueTable('procs');
    const results = await runWorkers(SAVE_WORKER, 8, (i) => [dynamo.endpoint, table, String(i), '50']);
    const reported = results.flatMap((result) => JSON.parse(result.stdout) as string[]);
    assert.equal(reported.length, 400);
    assert.equal(new Set(reported).size, 400, 'every save must report its own id');

    const store = await DynamoDBStore.open(dynaliteOptions(dynamo.endpoint, table));
    try {
      const tokens = await store.getTokens();
      assert.equal(tokens.length, 400, 'no save may be lost');
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
    const table = uniqueTable('lock');
    const results = await runWorkers(LOCK_WORKER, 4, () => [dynamo.endpoint, table, '42', '5', '20', '15000', '5000']);
    const reports = results.map((result) => JSON.parse(result.stdout) as LockReport);
    assert.equal(overlapping(reports), 0, 'two processes held the lock at once');
    assert.equal(
      reports.reduce((sum, report) => sum + report.acquired, 0),
      20,
      'every round must get the lock',
    );
  });

  test('a SIGKILLed holder blocks others only until its lease expires; a short wait resolves null meanwhile', async () => {
    const table = uniqueTable('kill');
    const leaseMs = 1_500;
    const holder = spawn(process.execPath, [LOCK_HOLDER, dynamo.endpoint, table, '7', String(leaseMs)], {
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

    const store = await DynamoDBStore.open(dynaliteOptions(dynamo.endpoint, table));
    try {
      assert.equal(await store.acquireRefreshLock('7', { waitMs: 100, leaseMs: 1_000 }), null, 'the dead holder still holds it');
    } finally {
      await store.close();
    }
    const started = Date.now();
    const results = await runWorkers(LOCK_WORKER, 3, () => [dynamo.endpoint, table, '7', '2', '10', String(leaseMs + 3_000), '5000']);
    const reports = results.map((result) => JSON.parse(result.stdout) as LockReport);
    assert.deepEqual(
      reports.map((report) => report.acquired),
      [2, 2, 2],
    );
    assert.equal(overlapping(reports), 0);
    assert.ok(Date.now() - started < leaseMs + 10_000, 'the waiters must finish within the wait bound');
  });
});
