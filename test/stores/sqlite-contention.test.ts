import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { ErrorCode, OAuthToken } from 'zoho-token-store';
import { SQLiteStore } from 'zoho-token-store/sqlite';
import { tempFolder } from './_sqlite-files.js';

const folder = tempFolder('contention');
after(() => folder.remove());

test('while another connection holds the write lock: reads go on, a save fails with STORE_UNAVAILABLE after busyTimeoutMs and writes nothing', async () => {
  const path = folder.file('busy.db');
  const store = await SQLiteStore.open({ path, busyTimeoutMs: 100 });
  const other = new Database(path);
  try {
    await store.saveToken(new OAuthToken({ userSignature: 'ada@example.com', accessToken: '1000.access.1' }));
    other.exec('BEGIN IMMEDIATE');
    assert.equal((await store.findToken(new OAuthToken({ userSignature: 'ada@example.com' })))?.accessToken, '1000.access.1');
    const started = Date.now();
    await assert.rejects(
      store.saveToken(new OAuthToken({ userSignature: 'ada@example.com', accessToken: '1000.access.2' })),
      (error: Error & { code?: string }) => error.code === ErrorCode.STORE_UNAVAILABLE && /busyTimeoutMs/.test(error.message),
    );
    assert.ok(Date.now() - started >= 90, 'it waited for busyTimeoutMs first');
    await assert.rejects(store.deleteToken('1'), (error: { code?: string }) => error.code === ErrorCode.STORE_UNAVAILABLE);
    other.exec('COMMIT');
    assert.equal((await store.findTokenById('1'))?.accessToken, '1000.access.1', 'the failed save wrote nothing');
    await store.saveToken(new OAuthToken({ userSignature: 'ada@example.com', accessToken: '1000.access.3' }));
    assert.equal((await store.findTokenById('1'))?.accessToken, '1000.access.3', 'the store works once the lock is free');
  } finally {
    other.close();
    await store.close();
  }
});
