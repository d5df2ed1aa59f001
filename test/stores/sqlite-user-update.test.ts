import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { ErrorCode, OAuthToken } from 'zoho-token-store';
import { SQLiteStore } from 'zoho-token-store/sqlite';
import { tempFolder } from './_sqlite-files.js';

// saveToken of a user who already has a token is one UPDATE … WHERE user_name = ? (no BEGIN, lookup, COMMIT).
// These tests hold it to the full save's merge, and check that rows the full save refuses are left to it.

const ADA = { userSignature: 'ada@example.com', clientId: '1000.CLIENT', clientSecret: 'secret-a', refreshToken: '1000.refresh.a' };

/** A store on a passed-in :memory: database that records every statement it runs; ada's token saved first. */
async function storeWithAda(): Promise<{ db: Database.Database; store: SQLiteStore; statements: string[] }> {
  const statements: string[] = [];
  const db = new Database(':memory:', { verbose: (sql) => statements.push(String(sql)) });
  const store = await SQLiteStore.open({ database: db });
  await store.saveToken(new OAuthToken({ ...ADA, accessToken: '1000.access.a', expiresAt: 1767225600000 }));
  statements.length = 0;
  return { db, store, statements };
}

const row = (db: Database.Database): unknown[] =>
  db.prepare("SELECT * FROM oauthtoken WHERE user_name = 'ada@example.com'").raw().get() as unknown[];

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: Error & { code?: string }) => {
    assert.equal(error.code, code, error.message);
    return true;
  });
}

describe("saveToken of a known user's token", () => {
  test('is one UPDATE of the given columns; the others keep their values and the token gets the row id', async () => {
    const { db, store, statements } = await storeWithAda();
    const update = new OAuthToken({ userSignature: 'ada@example.com', accessToken: '1000.access.a2', expiresAt: 1767229200000 });
    await store.saveToken(update);
    assert.equal(update.id, '1');
    assert.equal(statements.length, 1, statements.join('\n'));
    // The driver logs each statement with its values bound.
    assert.match(
      statements[0] as string,
      /^UPDATE oauthtoken SET access_token = '1000\.access\.a2', expiry_time = '1767229200000' WHERE user_name = 'ada@example\.com' /,
    );
    assert.deepEqual(row(db), [
      '1',
      'ada@example.com',
      '1000.CLIENT',
      'secret-a',
      '1000.refresh.a',
      '1000.access.a2',
      null,
      '1767229200000',
      null,
      null,
    ]);
    const found = await store.findToken(new OAuthToken({ userSignature: 'ada@example.com' }));
    assert.equal(found?.refreshToken, '1000.refresh.a');
    assert.equal(found?.expiresAt, 1767229200000);
    await store.close();
    db.close();
  });

  test('is committed when it resolves: another connection to the file reads it, and it can write at once', async () => {
    const folder = tempFolder('user-update');
    const path = folder.file('committed.db');
    const store = await SQLiteStore.open({ path });
    const other = new Database(path);
    try {
      await store.saveToken(new OAuthToken({ ...ADA, accessToken: '1000.access.a' }));
      await store.saveToken(new OAuthToken({ userSignature: 'ada@example.com', accessToken: '1000.access.a2' }));
      assert.equal(other.prepare('SELECT access_token FROM oauthtoken').pluck().get(), '1000.access.a2');
      other.exec('BEGIN IMMEDIATE; COMMIT'); // fails with SQLITE_BUSY if the store still held the write lock
    } finally {
      other.close();
      await store.close();
      folder.remove();
    }
  });

  test('a new user, or a token with an id, takes the full save (a transaction)', async () => {
    const { db, store, statements } = await storeWithAda();
    const grace = new OAuthToken({ userSignature: 'grace@example.com', accessToken: '1000.access.g' });
    await store.saveToken(grace);
    assert.equal(grace.id, '2');
    assert.ok(statements.includes('BEGIN IMMEDIATE'), statements.join('\n'));
    statements.length = 0;
    await store.saveToken(new OAuthToken({ id: '1', accessToken: '1000.access.a3' }));
    assert.ok(statements.includes('BEGIN IMMEDIATE'), statements.join('\n'));
    assert.equal(row(db)[5], '1000.access.a3');
    await store.close();
    db.close();
  });

  test('a row holding encrypted values: KEY_INVALID from the full save, and the row is unchanged', async () => {
    const { db, store } = await storeWithAda();
    db.prepare("UPDATE oauthtoken SET access_token = 'zts1.a.AAAA', refresh_token = 'zts1.a.BBBB'").run();
    const before = row(db);
    await rejectsWith(
      store.saveToken(new OAuthToken({ userSignature: 'ada@example.com', accessToken: '1000.access.a2' })),
      ErrorCode.KEY_INVALID,
    );
    // The first of access, refresh and grant token present decides, empty text counting as absent.
    db.prepare("UPDATE oauthtoken SET access_token = ''").run();
    await rejectsWith(
      store.saveToken(new OAuthToken({ userSignature: 'ada@example.com', accessToken: '1000.access.a2' })),
      ErrorCode.KEY_INVALID,
    );
    assert.deepEqual(row(db), [...before.slice(0, 5), '', ...before.slice(6)]);
    await store.close();
    db.close();
  });

  test('a row with binary data: STORE_CORRUPT from the full save, and the row is unchanged', async () => {
    const { db, store } = await storeWithAda();
    db.prepare('UPDATE oauthtoken SET api_domain = ?').run(Buffer.from('www.zohoapis.com'));
    const before = row(db);
    await rejectsWith(
      store.saveToken(new OAuthToken({ userSignature: 'ada@example.com', accessToken: '1000.access.a2' })),
      ErrorCode.STORE_CORRUPT,
    );
    assert.deepEqual(row(db), before);
    await store.close();
    db.close();
  });

  test("inside the caller's own transaction on a database they passed in, the save does not join it", async () => {
    const { db, store } = await storeWithAda();
    const before = row(db);
    db.exec('BEGIN');
    await rejectsWith(
      store.saveToken(new OAuthToken({ userSignature: 'ada@example.com', accessToken: '1000.access.a2' })),
      ErrorCode.TOKEN_STORE,
    );
    db.exec('ROLLBACK');
    assert.deepEqual(row(db), before);
    await store.close();
    db.close();
  });
});
