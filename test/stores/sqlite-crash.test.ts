import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { OAuthToken } from 'zoho-token-store';
import { SQLiteStore } from 'zoho-token-store/sqlite';
import { Child } from './_sqlite-child.js';
import { tempFolder } from './_sqlite-files.js';

const CRASH_WORKER = 'dist/test/stores/_sqlite-crash-worker.js';
const ROUNDS = 25;
const folder = tempFolder('crash');
after(() => folder.remove());

/** The last acknowledged save of each user, from the side log (a line cut by the kill is not acknowledged). */
function acknowledged(log: string): Map<string, { run: number; seq: number }> {
  const last = new Map<string, { run: number; seq: number }>();
  if (!existsSync(log)) return last;
  const text = readFileSync(log, 'utf8');
  for (const line of text.slice(0, text.lastIndexOf('\n') + 1).split('\n')) {
    if (!line) continue;
    const [user, run, seq] = line.split('\t') as [string, string, string];
    last.set(user, { run: Number(run), seq: Number(seq) });
  }
  return last;
}

test(`a process SIGKILLed mid-save ${ROUNDS} times: the file always opens and every acknowledged save is there`, async () => {
  const path = folder.file('crash.db');
  const log = folder.file('acknowledged.log');
  let killedWhileRunning = 0;
  for (let run = 0; run < ROUNDS; run += 1) {
    const child = new Child(CRASH_WORKER, [path, log, String(run)]);
    assert.equal(await child.nextLine(), 'ready');
    await sleep(Math.floor(Math.random() * 150));
    if (child.process.exitCode === null) killedWhileRunning += 1;
    await child.kill();

    const db = new Database(path);
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok', `the file is intact after kill ${run}`);
    db.close();
    const store = await SQLiteStore.open({ path });
    try {
      for (const [user, save] of acknowledged(log)) {
        const stored = await store.findToken(new OAuthToken({ userSignature: user }));
        assert.ok(stored?.accessToken, `the acknowledged save of ${user} is missing after kill ${run}`);
        const [storedRun, storedSeq] = stored.accessToken.split('.').map(Number) as [number, number];
        assert.ok(
          storedRun > save.run || (storedRun === save.run && storedSeq >= save.seq),
          `${user} holds save ${storedRun}.${storedSeq}, older than the acknowledged ${save.run}.${save.seq} (kill ${run})`,
        );
      }
    } finally {
      await store.close();
    }
  }
  assert.equal(killedWhileRunning, ROUNDS, 'every child was still saving when it was killed');
  const total = acknowledged(log);
  assert.ok(total.size > ROUNDS, `the children acknowledged saves (${total.size} users)`);
});
