import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { MySQLStore } from 'zoho-token-store/mysql';
import { runNode, runWorkers } from '../_processes.js';
import { skipUnless } from '../_services.js';
import { admin, createDatabase, dropDatabase, MARIADB, uniqueDatabaseName } from './_mysql-databases.js';

const skip = await skipUnless('mariadb');
const SAVER = 'dist/test/stores/_mysql-saver.js';
const LOCKER = 'dist/test/stores/_mysql-lock-worker.js';

describe('MySQLStore across processes', { skip }, () => {
  let database = '';

  beforeEach(async () => {
    database = uniqueDatabaseName('procs');
    await createDatabase(database);
  });

  afterEach(async () => {
    await dropDatabase(database);
  });

  test('8 processes × 50 concurrent saves of distinct users → 400 rows, ids 1..400, no duplicates', async () => {
    // The processes also race to create the table and its indexes.
    const results = await runWorkers(SAVER, 8, (i) => [database, String(i), '50']);
    const reported = results.flatMap((result) => JSON.parse(result.stdout) as string[]);
    assert.equal(new Set(reported).size, 400, 'every save must report its own id');
    const store = await MySQLStore.open({ ...MARIADB, database, createTable: false });
    try {
      const tokens = await store.getTokens();
      assert.equal(tokens.length, 400);
      assert.deepEqual(
        tokens.map((token) => token.id),
        Array.from({ length: 400 }, (_, i) => String(i + 1)),
      );
      assert.equal(new Set(tokens.map((token) => token.userName)).size, 400);
    } finally {
      await store.close();
    }
  });

  test('4 processes finding and saving the same 10 users at once: every save succeeds, one row per user', async () => {
    const results = await runWorkers(SAVER, 4, (i) => [database, String(i), '8', 'shared']);
    const ids = results.flatMap((result) => JSON.parse(result.stdout) as string[]);
    assert.equal(ids.length, 4 * 8 * 10, 'every save must resolve');
    const store = await MySQLStore.open({ ...MARIADB, database, createTable: false });
    try {
      const tokens = await store.getTokens();
      assert.equal(tokens.length, 10);
      assert.deepEqual(new Set(ids), new Set(tokens.map((token) => token.id)), "each save must report its user's one row");
    } finally {
      await store.close();
    }
  });

  test('the refresh lock excludes across processes: no two critical sections overlap, no lost update', async () => {
    await admin(`CREATE TABLE \`${database}\`.counter (id int PRIMARY KEY, value int NOT NULL, holders int NOT NULL)`);
    await admin(`INSERT INTO \`${database}\`.counter VALUES (1, 0, 0)`);
    const results = await runWorkers(LOCKER, 4, () => [database, 'count', '5']);
    const reports = results.map((result) => JSON.parse(result.stdout) as { rounds: number; overlaps: number });
    assert.deepEqual(reports, Array(4).fill({ rounds: 5, overlaps: 0 }), 'no process ever found another holder inside');
    const [row] = await admin<Array<{ value: number }>>(`SELECT value FROM \`${database}\`.counter WHERE id = 1`);
    assert.equal(row?.value, 20, 'each of the 20 read-modify-write rounds must count once');
  });

  test('a live holder keeps the lock past its lease (heartbeat), waiters get null; SIGKILLed, it frees it when its lease ends', async () => {
    const holder = spawn(process.execPath, [LOCKER, database, 'hold'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let output = '';
      holder.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      while (!output.includes('locked')) {
        const [exitCode] = await Promise.race([once(holder.stdout, 'data'), once(holder, 'exit')]);
        if (holder.exitCode !== null) assert.fail(`the holder exited (${String(exitCode)}) before taking the lock`);
      }

      // Three of its 2 s leases: a holder whose lease were not kept alive would have lost the lock by now.
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      // While the holder lives, a waiter gets null after its bound: a re-read, not an error.
      const blocked = JSON.parse((await runNode(LOCKER, [database, 'try', '700', '0'])).stdout) as { acquired: boolean; elapsedMs: number };
      assert.equal(blocked.acquired, false);
      assert.ok(blocked.elapsedMs >= 600, `the waiter gave up after ${blocked.elapsedMs} ms, before its 700 ms bound`);

      holder.kill('SIGKILL');
      await once(holder, 'exit');
      // Three waiters, each holding for 100 ms once it has the lock: all finish well within their 10 s bound.
      const waiters = await runWorkers(LOCKER, 3, () => [database, 'try', '10000', '100']);
      for (const waiter of waiters) {
        const result = JSON.parse(waiter.stdout) as { acquired: boolean; elapsedMs: number };
        assert.equal(result.acquired, true, 'every waiter must get the lock the killed holder had');
        assert.ok(result.elapsedMs < 10_000);
      }
    } finally {
      if (holder.exitCode === null && holder.signalCode === null) holder.kill('SIGKILL');
    }
  });
});
