import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { after, test } from 'node:test';
import { OAuthToken } from 'zoho-token-store';
import { SQLiteStore } from 'zoho-token-store/sqlite';
import { AccountsEmulator } from 'zoho-token-store/testing';

const folder = mkdtempSync(join(tmpdir(), 'zts-default-store-'));
after(() => rmSync(folder, { recursive: true, force: true }));

test('a TokenManager given no store keeps tokens in SQLite at ./zohooauth.db, and they survive the process', async () => {
  const emulator = await AccountsEmulator.start({ dataCenters: ['us'] });
  try {
    const client = emulator.registerClient();
    const user = emulator.addUser({ email: 'default.store@example.com' });
    const code = emulator.issueGrantCode({ client, user, scope: ['ZohoCRM.modules.ALL', 'ZohoCRM.users.READ'] });
    const worker = resolve('dist/test/lifecycle/_default-store-worker.js');
    // spawnSync would block the emulator in this process, so run the child asynchronously.
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [worker, emulator.accountsUrl('us'), emulator.apiDomain('us'), client.clientId, client.clientSecret, client.redirectUri, code], { cwd: folder });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const exitCode = await new Promise<number | null>((done) => child.once('close', done));
    assert.equal(exitCode, 0, err);
    const reported = JSON.parse(out) as { id: string; user: string };
    assert.equal(reported.user, 'default.store@example.com');

    const path = join(folder, 'zohooauth.db');
    assert.ok(existsSync(path), 'the default database file is created in the working directory');
    const store = await SQLiteStore.open({ path });
    try {
      const stored = await store.findToken(new OAuthToken({ userSignature: 'default.store@example.com' }));
      assert.equal(stored?.id, reported.id);
      assert.ok(stored?.refreshToken, 'the refresh token was saved');
    } finally {
      await store.close();
    }
    assert.equal(statSync(path).mode & 0o077, 0, 'the database file is readable by its owner only');
  } finally {
    await emulator.close();
  }
});
