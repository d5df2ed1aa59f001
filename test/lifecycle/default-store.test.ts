import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { after, test } from 'node:test';
import { OAuthToken } from 'zoho-token-store';
import { SQLiteStore } from 'zoho-token-store/sqlite';
import { AccountsEmulator } from 'zoho-token-store/testing';
import { runNode } from '../_processes.js';

const folder = mkdtempSync(join(tmpdir(), 'zts-default-store-'));
after(() => rmSync(folder, { recursive: true, force: true }));

test('a TokenManager given no store keeps tokens in SQLite at ./zohooauth.db, and they survive the process', async () => {
  const emulator = await AccountsEmulator.start({ dataCenters: ['us'] });
  try {
    const client = emulator.registerClient();
    const user = emulator.addUser({ email: 'default.store@example.com' });
    const code = emulator.issueGrantCode({ client, user, scope: ['ZohoCRM.modules.ALL', 'ZohoCRM.users.READ'] });
    const worker = resolve('dist/test/lifecycle/_default-store-worker.js');
    const child = await runNode(
      worker,
      [emulator.accountsUrl('us'), emulator.apiDomain('us'), client.clientId, client.clientSecret, client.redirectUri, code],
      {},
      folder,
    );
    assert.equal(child.code, 0, child.stderr);
    const reported = JSON.parse(child.stdout) as { id: string; user: string };
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
