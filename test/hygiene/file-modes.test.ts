// Every file the project creates holds secrets or may, so it is created owner-only (0600), whatever the umask:
// checked here with the usual umask 022, for the library's stores, the default store, and the CLI's files.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { OAuthToken } from 'zoho-token-store';
import { FileStore } from 'zoho-token-store/file';
import { SQLiteStore } from 'zoho-token-store/sqlite';
import { completeToken } from 'zoho-token-store/testing';
import { runNode } from '../_processes.js';
import { BIN, zoho } from '../cli/_cli.js';
import { startEmulator } from '../cli/_emulator-fixture.js';

const OWNER_ONLY = 0o600;
const modeOf = (path: string): number => statSync(path).mode & 0o777;
const octal = (mode: number): string => mode.toString(8).padStart(4, '0');

function assertOwnerOnly(path: string): void {
  assert.ok(existsSync(path), `${path} exists`);
  assert.equal(octal(modeOf(path)), octal(OWNER_ONLY), `${path} must be readable and writable by its owner only`);
}

let folder: string;
let previousUmask: number;
before(() => {
  previousUmask = process.umask(0o022); // children inherit it
  folder = mkdtempSync(join(tmpdir(), 'zts-modes-'));
});
after(() => {
  process.umask(previousUmask);
  rmSync(folder, { recursive: true, force: true });
});

describe('files the library creates', () => {
  test('SQLite: the database and its -wal and -shm files', async () => {
    const path = join(folder, 'tokens.db');
    const store = await SQLiteStore.open({ path });
    try {
      for (let i = 0; i < 5; i += 1) await store.saveToken(completeToken());
      assertOwnerOnly(path);
      // WAL mode: SQLite creates these next to the database with the database file's own mode.
      assertOwnerOnly(`${path}-wal`);
      assertOwnerOnly(`${path}-shm`);
    } finally {
      await store.close();
    }
    assertOwnerOnly(path);
  });

  test('the default store (./zohooauth.db of a TokenManager given no store)', async () => {
    const cwd = mkdtempSync(join(folder, 'default-'));
    const { emulator, client, user } = await startEmulator();
    try {
      const code = emulator.issueGrantCode({ client, user });
      const result = await runNode(
        resolve('dist/test/lifecycle/_default-store-worker.js'),
        [emulator.accountsUrl('us'), emulator.apiDomain('us'), client.clientId, client.clientSecret, client.redirectUri, code],
        {},
        cwd,
      );
      assert.equal(result.code, 0, result.stderr);
      assertOwnerOnly(join(cwd, 'zohooauth.db'));
      for (const name of readdirSync(cwd)) assertOwnerOnly(join(cwd, name));
    } finally {
      await emulator.close();
    }
  });

  test('the token file, its temporary files (caught while they exist), and no file in its lock directory', async () => {
    const dir = mkdtempSync(join(folder, 'file-'));
    const path = join(dir, 'sdk_tokens.txt');
    const store = new FileStore({ path });
    const seen = new Map<string, number>();
    const watcher = watch(dir, (_event, name) => {
      if (!name || name === 'sdk_tokens.txt' || seen.has(name)) return;
      try {
        const stats = statSync(join(dir, name));
        if (stats.isFile()) seen.set(name, stats.mode & 0o777);
      } catch {
        // renamed into place already
      }
    });
    try {
      for (let i = 0; i < 60 && seen.size < 3; i += 1) await store.saveToken(completeToken());
      const lease = await store.acquireRefreshLock('1', { waitMs: 1_000, leaseMs: 10_000 });
      assert.ok(lease);
      // The locks are directories (proper-lockfile's atomic mkdir) and hold no file, so no secret.
      for (const name of readdirSync(dir)) {
        const entry = join(dir, name);
        if (statSync(entry).isDirectory()) assert.deepEqual(readdirSync(entry), [], `${name} holds nothing`);
        else assertOwnerOnly(entry);
      }
      await lease.release();
    } finally {
      watcher.close();
      await store.close();
    }
    assertOwnerOnly(path);
    assert.ok(seen.size > 0, 'a temporary file was caught while it existed');
    for (const [name, mode] of seen) assert.equal(octal(mode), octal(OWNER_ONLY), `temporary file ${name}`);
  });

  test('the token file written over a file that was world-readable becomes owner-only', async () => {
    const path = join(folder, 'loose.txt');
    const loose = new FileStore({ path });
    await loose.saveToken(new OAuthToken({ userSignature: 'ada@example.com', accessToken: '1000.a.b' }));
    await loose.close();
    chmodSync(path, 0o644);
    const store = new FileStore({ path });
    await store.saveToken(new OAuthToken({ userSignature: 'ada@example.com', accessToken: '1000.c.d' }));
    await store.close();
    assertOwnerOnly(path);
  });
});

describe('files the CLI creates', () => {
  test('login, import and migrate into new SQLite and token files', async () => {
    const cwd = mkdtempSync(join(folder, 'cli-'));
    const setup = await startEmulator();
    try {
      const code = setup.emulator.issueGrantCode({ client: setup.client, user: setup.user });
      const login = await zoho(['login', '--code', code, '--store', 'sqlite:./login.db'], { cwd, env: setup.env });
      assert.equal(login.code, 0, login.stderr);
      for (const target of ['file:./migrated.txt', 'sqlite:./migrated.db']) {
        const result = await zoho(['migrate', '--from', 'sqlite:./login.db', '--to', target], { cwd });
        assert.equal(result.code, 0, result.stderr);
      }
      const imported = await zoho(['import', 'migrated.txt', '--to', 'imported.db'], { cwd });
      assert.equal(imported.code, 0, imported.stderr);
      for (const name of readdirSync(cwd)) {
        const entry = join(cwd, name);
        if (statSync(entry).isFile()) assertOwnerOnly(entry);
      }
      for (const name of ['login.db', 'migrated.txt', 'migrated.db', 'imported.db']) assertOwnerOnly(join(cwd, name));
    } finally {
      await setup.emulator.close();
    }
  });

  test('emulator --write-config, over a new file and over a world-readable one', async () => {
    const cwd = mkdtempSync(join(folder, 'emulator-'));
    await configWritten(cwd);
    chmodSync(join(cwd, 'dev.json'), 0o644);
    await configWritten(cwd);
  });
});

/** Runs `zoho-tokens emulator --write-config dev.json` until it is ready, checks the file's mode, and stops it. */
async function configWritten(cwd: string): Promise<void> {
  const child = spawn(process.execPath, [BIN, 'emulator', '--write-config', 'dev.json'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const closed = new Promise((done) => child.once('close', done));
  try {
    await new Promise<void>((ready, fail) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (/^ready /m.test(out)) ready();
      });
      child.once('close', () => fail(new Error(`the emulator ended before it was ready: ${out}`)));
    });
    assertOwnerOnly(join(cwd, 'dev.json'));
  } finally {
    child.kill('SIGTERM');
    await closed;
  }
}
