// FileStore shared by several processes: no lost saves, crash safety under SIGKILL, and the refresh lock.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, test } from 'node:test';
import { OAuthToken } from 'zoho-token-store';
import { FileStore } from 'zoho-token-store/file';
import { runNode, runWorkers } from '../_processes.js';
import { tempDir } from './_file-temp.js';

const SAVER = 'dist/test/stores/_file-saver.js';
const CRASH_SAVER = 'dist/test/stores/_file-crash-saver.js';
const REFRESHER = 'dist/test/stores/_file-refresher.js';
const NO_LOCKFILE = 'dist/test/stores/_file-no-lockfile.js';

const dir = tempDir('processes');
after(() => dir.remove());

interface Started {
  readonly child: ChildProcess;
  /** Resolves when the child has printed this line. */
  waitFor(line: string): Promise<void>;
  readonly exited: Promise<number | null>;
  stderr(): string;
}

function start(script: string, args: readonly string[]): Started {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const listeners: Array<() => void> = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    for (const listener of listeners) listener();
  });
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    stderr: () => err.slice(0, 2_000),
    waitFor: (line) =>
      new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (out.split('\n').includes(line)) resolve();
        };
        listeners.push(check);
        check();
        void exited.then((code) => reject(new Error(`child exited (${code}) before printing ${line}: ${err.slice(0, 2_000)}`)));
      }),
  };
}

const logLines = (path: string): string[][] =>
  existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split('\t'))
    : [];

describe('FileStore across processes', () => {
  test('8 processes × 50 saves of distinct users into one file keep all 400 rows, with distinct ids', async () => {
    const path = dir.file('workers.txt');
    await runWorkers(SAVER, 8, (i) => [path, `w${i}`, '50']);
    const store = new FileStore({ path });
    const tokens = await store.getTokens();
    assert.equal(tokens.length, 400);
    assert.equal(new Set(tokens.map((token) => token.id)).size, 400);
    for (let w = 0; w < 8; w += 1) {
      for (let i = 0; i < 50; i += 1) {
        const found = await store.findToken(new OAuthToken({ userSignature: `w${w}-${i}@workers.example.com` }));
        assert.ok(found, `w${w}-${i} must be stored`);
      }
    }
    await store.close();
  });

  test('a writer SIGKILLed at random moments, 25 times: the file always opens and every acknowledged save is there', async () => {
    const path = dir.file('crash.txt');
    const log = dir.file('crash.log');
    let kills = 0;
    let killedHoldingLock = 0;
    let acknowledged = 0;
    for (let round = 0; round < 25; round += 1) {
      const before = logLines(log).filter(([kind]) => kind === 'ack').length;
      const started = start(CRASH_SAVER, [path, log, `r${round}`]);
      await started.waitFor('started');
      // Wait for the first save of this child (it may first wait out a lock its predecessor died holding), then
      // let it run a random while: the kill lands anywhere in the loop, mid-write included.
      let exitCode: number | null | undefined;
      void started.exited.then((code) => (exitCode = code));
      while (logLines(log).filter(([kind]) => kind === 'ack').length === before) {
        assert.equal(exitCode, undefined, `round ${round}: the saver exited (${exitCode}) before its first save: ${started.stderr()}`);
        await sleep(5);
      }
      await sleep(Math.random() * 60);
      started.child.kill('SIGKILL');
      await started.exited;
      kills += 1;
      if (existsSync(`${path}.lock`)) killedHoldingLock += 1;

      const store = new FileStore({ path });
      const stored = new Map((await store.getTokens()).map((token) => [token.userName, token.accessToken]));
      await store.close();
      // Per user: the last acknowledged access token, or one attempted after it (a save in flight may land).
      const allowed = new Map<string, Set<string>>();
      for (const [kind, user, accessToken] of logLines(log)) {
        if (!user || !accessToken) continue;
        if (kind === 'ack') allowed.set(user, new Set([accessToken]));
        else allowed.get(user)?.add(accessToken);
      }
      for (const [user, tokens] of allowed) {
        assert.ok(stored.has(user), `round ${round}: acknowledged user ${user} is missing`);
        assert.ok(tokens.has(String(stored.get(user))), `round ${round}: user ${user} lost an acknowledged update`);
      }
      acknowledged = allowed.size;
    }
    assert.equal(kills, 25);
    // The loop spends most of its time inside the write lock: some kills must have landed there, mid-write.
    assert.ok(killedHoldingLock >= 1, 'no kill landed while the writer held the lock');
    assert.ok(acknowledged >= 25, `at least one acknowledged save per round (${acknowledged})`);
    assert.equal(statSync(path).mode & 0o777, 0o600);
  });
});

describe('the refresh lock across processes', () => {
  test('is mutually exclusive: 4 processes × 15 rounds never overlap', async () => {
    const path = dir.file('exclusive.txt');
    const log = dir.file('exclusive.log');
    await runWorkers(REFRESHER, 4, () => [path, log, 'exclusive', '15']);
    const lines = logLines(log);
    assert.equal(lines.length, 4 * 15 * 2);
    let holder: string | null = null;
    for (const [kind, pid] of lines) {
      if (kind === 'enter') {
        assert.equal(holder, null, `process ${pid} entered while ${holder} held the lock`);
        holder = String(pid);
      } else {
        assert.equal(holder, pid, `process ${pid} left a lock it did not hold`);
        holder = null;
      }
    }
  });

  test('processes that find one expired token refresh it once', async () => {
    const path = dir.file('refresh-once.txt');
    const log = dir.file('refresh-once.log');
    const store = new FileStore({ path });
    await store.saveToken(
      new OAuthToken({
        userSignature: 'ada@example.com',
        refreshToken: 'r',
        clientId: 'c',
        clientSecret: 's',
        accessToken: 'old',
        expiresAt: 1,
      }),
    );
    await runWorkers(REFRESHER, 6, () => [path, log, 'refresh']);
    const kinds = logLines(log).map(([kind]) => kind);
    assert.deepEqual(
      kinds.filter((kind) => kind === 'refreshed'),
      ['refreshed'],
    );
    assert.equal(kinds.filter((kind) => kind === 'already-fresh').length, 5);
    assert.notEqual((await store.findTokenById('1'))?.accessToken, 'old');
    await store.close();
  });

  test('a SIGKILLed holder blocks others until its lease passes, then the lock is recovered within the lease bound', async () => {
    const path = dir.file('killed-holder.txt');
    const leaseMs = 3_000;
    const holder = start(REFRESHER, [path, dir.file('killed-holder.log'), 'hold', String(leaseMs)]);
    await holder.waitFor('locked');
    const store = new FileStore({ path });
    assert.equal(await store.acquireRefreshLock('1', { waitMs: 300, leaseMs }), null, 'a live holder keeps the lock');
    const lease2 = await store.acquireRefreshLock('2', { waitMs: 300, leaseMs });
    assert.ok(lease2, 'locks are per token id');
    await lease2.release();
    holder.child.kill('SIGKILL');
    await holder.exited;
    const killedAt = Date.now();
    const lease = await store.acquireRefreshLock('1', { waitMs: 3 * leaseMs, leaseMs });
    const waited = Date.now() - killedAt;
    assert.ok(lease, 'the lock of a killed holder is recovered');
    // The bound: leaseMs after the holder's last renewal; proper-lockfile stamps a new lock up to 1 s ahead, so a
    // holder killed before its first renewal is recovered up to leaseMs + 1 s after the kill (plus polling).
    assert.ok(waited <= leaseMs + 1_000 + 500, `recovered ${waited} ms after the kill; the lease is ${leaseMs} ms`);
    assert.ok(waited >= 1_000, `a killed holder's lock must not be taken at once (${waited} ms)`);
    await lease.release();
    await store.close();
  });

  test('a live holder that never releases loses the lock when its lease ends', async () => {
    const path = dir.file('stuck-holder.txt');
    const leaseMs = 2_000;
    const holder = start(REFRESHER, [path, dir.file('stuck-holder.log'), 'hold', String(leaseMs)]);
    await holder.waitFor('locked');
    const store = new FileStore({ path });
    const startedAt = Date.now();
    const lease = await store.acquireRefreshLock('1', { waitMs: 4 * leaseMs, leaseMs });
    assert.ok(lease);
    assert.ok(Date.now() - startedAt <= leaseMs + 500);
    await lease.release();
    await store.close();
    holder.child.kill('SIGKILL');
    await holder.exited;
  });
});

describe('without proper-lockfile', () => {
  test('reads work, and a write fails with DRIVER_MISSING naming the package to install', async () => {
    const path = dir.file('no-lockfile.txt');
    const result = await runNode(NO_LOCKFILE, [path]);
    assert.equal(result.code, 0, result.stderr);
    const outcome = JSON.parse(result.stdout) as { read: number; saved: { code?: string; message?: string } };
    assert.equal(outcome.read, 0);
    assert.equal(outcome.saved.code, 'DRIVER_MISSING');
    assert.match(String(outcome.saved.message), /npm install proper-lockfile/);
    assert.equal(existsSync(path), false, 'nothing was written');
  });
});
