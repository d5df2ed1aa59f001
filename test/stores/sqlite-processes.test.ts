import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { OAuthToken } from 'zoho-token-store';
import { SQLiteStore } from 'zoho-token-store/sqlite';
import { runWorkers } from '../_processes.js';
import { tempFolder } from './_sqlite-files.js';

const SAVE_WORKER = 'dist/test/stores/_sqlite-save-worker.js';
const folder = tempFolder('processes');
after(() => folder.remove());

test('8 processes × 50 saves of distinct users into one new file → 400 rows, 400 distinct ids', async () => {
  const path = folder.file('eight.db');
  // The file does not exist yet: the 8 processes also race to create and migrate it.
  await runWorkers(SAVE_WORKER, 8, (i) => [path, `w${i}`, '50']);
  const store = await SQLiteStore.open({ path });
  try {
    const tokens = await store.getTokens();
    assert.equal(tokens.length, 400);
    assert.equal(new Set(tokens.map((token) => token.id)).size, 400);
    assert.deepEqual(
      tokens.map((token) => token.id),
      Array.from({ length: 400 }, (_, i) => String(i + 1)),
      'ids are 1…400',
    );
    for (let w = 0; w < 8; w += 1) {
      for (const i of [0, 49]) {
        const found = await store.findToken(new OAuthToken({ userSignature: `w${w}-${i}@example.com` }));
        assert.equal(found?.accessToken, `1000.access.w${w}.${i}`);
      }
    }
  } finally {
    await store.close();
  }
  const db = new Database(path, { readonly: true });
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  db.close();
});

test('4 processes saving the same 5 users at once leave 5 rows', async () => {
  const path = folder.file('same-users.db');
  // Every worker uses the same prefix, so each user is saved by all four at about the same time.
  await runWorkers(SAVE_WORKER, 4, () => [path, 'shared', '5']);
  const store = await SQLiteStore.open({ path });
  try {
    const tokens = await store.getTokens();
    assert.deepEqual(tokens.map((token) => token.userName).sort(), Array.from({ length: 5 }, (_, i) => `shared-${i}@example.com`).sort());
  } finally {
    await store.close();
  }
});
