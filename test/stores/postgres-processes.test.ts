import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { runNode, runWorkers } from '../_processes.js';
import { skipUnless } from '../_services.js';
import { adminPool, countRows, dropSchema, uniqueName } from './_postgres.js';

const skip = await skipUnless('postgres');
const SAVER = 'dist/test/stores/_postgres-saver.js';
const LOCKER = 'dist/test/stores/_postgres-locker.js';

describe('PostgresStore across processes', { skip }, () => {
  const schema = uniqueName('procs');
  const admin = adminPool();
  before(async () => {
    await admin.query(`CREATE SCHEMA "${schema}"`);
    await admin.query(`CREATE TABLE "${schema}"."counter" (n int NOT NULL)`);
    await admin.query(`INSERT INTO "${schema}"."counter" VALUES (0)`);
  });
  after(async () => {
    await dropSchema(admin, schema);
    await admin.end();
  });

  test('8 processes × 50 saves of distinct users leave 400 rows with ids 1..400', async () => {
    // The table does not exist yet: the eight processes also race to create it.
    const table = uniqueName('t');
    const results = await runWorkers(SAVER, 8, (i) => [schema, table, '50', `p${i}`]);
    assert.equal(await countRows(admin, schema, table), 400);
    const reported = results.flatMap((result) => JSON.parse(result.stdout) as string[]);
    assert.equal(new Set(reported).size, 400, 'every save must report its own id');
    const stored = (await admin.query(`SELECT id, user_name FROM "${schema}"."${table}"`)).rows as Array<{ id: string; user_name: string }>;
    // max(id)+1 inside the write lock: no id is skipped or taken twice.
    assert.deepEqual(
      stored.map((row) => Number(row.id)).sort((a, b) => a - b),
      Array.from({ length: 400 }, (_, i) => i + 1),
    );
    assert.equal(new Set(stored.map((row) => row.user_name)).size, 400);
  });

  test('the refresh lock excludes holders in other processes', async () => {
    const table = uniqueName('t');
    // 4 processes × 10 rounds of read, pause, write +1 under the lock: any overlap loses an increment.
    await runWorkers(LOCKER, 4, () => [schema, table, '7', 'count', '10']);
    const { n } = (await admin.query(`SELECT n FROM "${schema}"."counter"`)).rows[0] as { n: number };
    assert.equal(n, 40);
  });

  test("a live holder keeps the lock past its lease (heartbeat); SIGKILLed, it frees it when its lease ends, on the server's clock", async () => {
    const table = uniqueName('t');
    const holder = spawn(process.execPath, [LOCKER, schema, table, '9', 'hold'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => holder.once('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      let out = '';
      holder.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('LOCKED')) resolve();
      });
      holder.once('exit', (code) => reject(new Error(`the holder exited (${code}) before taking the lock`)));
    });
    // Three of its 2 s leases: a holder whose lease were not kept alive would have lost the lock by now.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const blocked = await runNode(LOCKER, [schema, table, '9', 'once', '300']);
    assert.equal((JSON.parse(blocked.stdout) as { locked: boolean }).locked, false, 'the live holder must still hold the lock');
    const WAIT_MS = 15_000;
    const waiters = Array.from({ length: 3 }, () => runNode(LOCKER, [schema, table, '9', 'once', String(WAIT_MS)]));
    await new Promise((resolve) => setTimeout(resolve, 500)); // the waiters are polling now
    holder.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    for (const result of await Promise.all(waiters)) {
      assert.equal(result.code, 0, result.stderr);
      const { locked, waited } = JSON.parse(result.stdout) as { locked: boolean; waited: number };
      assert.equal(locked, true, 'each waiter must get the lock once the holder is gone');
      assert.ok(waited < WAIT_MS, `a waiter waited ${waited} ms, past its bound`);
    }
  });

  test('a waiter resolves null when the holder lives past the bound', async () => {
    const table = uniqueName('t');
    const holder = spawn(process.execPath, [LOCKER, schema, table, '11', 'hold'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await new Promise<void>((resolve) => holder.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('LOCKED') && resolve()));
      const result = await runNode(LOCKER, [schema, table, '11', 'once', '300']);
      assert.equal(result.code, 0, result.stderr);
      const { locked, waited } = JSON.parse(result.stdout) as { locked: boolean; waited: number };
      assert.equal(locked, false);
      assert.ok(waited >= 300 && waited < 3_000, `waited ${waited} ms for a 300 ms bound`);
    } finally {
      holder.kill('SIGKILL');
    }
  });
});
