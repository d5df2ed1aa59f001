import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { ErrorCode, OAuthToken } from 'zoho-token-store';
import { SQLITE_SCHEMA_VERSION, SQLiteStore } from 'zoho-token-store/sqlite';
import { createArticleDatabase, type ArticleRow } from './_sqlite-article.js';
import { tempFolder } from './_sqlite-files.js';

const folder = tempFolder('article');
after(() => folder.remove());
let files = 0;
const freshPath = (): string => folder.file(`case-${(files += 1)}/zohooauth.db`.replace('/', '-'));

const ADA: ArticleRow = [
  '1',
  'ada@example.com',
  '1000.CLIENT',
  'secret-a',
  '1000.refresh.a',
  '1000.access.a',
  null,
  '1767225600000',
  'https://app.example.com/cb',
  'https://www.zohoapis.com',
];
// The sample's insert of a token without a user (found by its access or refresh token), and ids past 9, which its
// text max(id) + 1 would repeat: max('9', '10') is '9' as text.
const NO_USER: ArticleRow = [
  '9',
  null,
  '1000.CLIENT',
  'secret-b',
  '1000.refresh.b',
  '1000.access.b',
  '1000.grant.b',
  '1767225600001',
  null,
  null,
];
const TEN: ArticleRow = [
  '10',
  "o'brien@example.com",
  null,
  null,
  null,
  '1000.access.c',
  null,
  '1767225600002',
  null,
  'https://www.zohoapis.eu',
];

function inspect(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    return {
      tableSql: (db.prepare("SELECT sql FROM sqlite_master WHERE name = 'oauthtoken'").get() as { sql: string }).sql,
      indexes: (
        db
          .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'oauthtoken' AND sql IS NOT NULL ORDER BY name")
          .all() as Array<{ name: string }>
      ).map((row) => row.name),
      version: db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'zoho_token_store_schema'").get()
        ? (db.prepare('SELECT version FROM zoho_token_store_schema WHERE subject = ?').get('oauthtoken') as { version: number }).version
        : undefined,
      rows: db.prepare('SELECT * FROM oauthtoken ORDER BY rowid').raw().all() as unknown[][],
      journal: db.pragma('journal_mode', { simple: true }),
    };
  } finally {
    db.close();
  }
}

async function expectCode(promise: Promise<unknown>, code: string, pattern?: RegExp): Promise<Error> {
  const error = await promise.then(
    () => assert.fail(`expected ${code}, but it resolved`),
    (caught: unknown) => caught as Error & { code?: string },
  );
  assert.equal((error as { code?: string }).code, code, `expected ${code}: ${error.message}`);
  if (pattern) assert.match(error.message, pattern);
  return error;
}

describe('a zohooauth.db made by the article sample is used in place', () => {
  test('rows the sample wrote are found by each key, listed in id order, and kept as they were', async () => {
    const path = freshPath();
    createArticleDatabase(path, [ADA, NO_USER, TEN]);
    const made = inspect(path);
    const store = await SQLiteStore.open({ path });
    try {
      const ada = await store.findToken(new OAuthToken({ userSignature: 'ada@example.com' }));
      assert.deepEqual(ada?.toRecord(String(ada.id)), {
        id: '1',
        userName: 'ada@example.com',
        clientId: '1000.CLIENT',
        clientSecret: 'secret-a',
        refreshToken: '1000.refresh.a',
        accessToken: '1000.access.a',
        grantToken: null,
        expiresAt: 1767225600000,
        redirectUrl: 'https://app.example.com/cb',
        apiDomain: 'https://www.zohoapis.com',
      });
      assert.equal((await store.findToken(new OAuthToken({ accessToken: '1000.access.b' })))?.id, '9');
      const byGrant = new OAuthToken({ clientId: '1000.CLIENT', clientSecret: 'secret-b', grantToken: '1000.grant.b' });
      assert.equal((await store.findToken(byGrant))?.id, '9');
      assert.equal((await store.findToken(new OAuthToken({ userSignature: "o'brien@example.com" })))?.apiDomain, 'https://www.zohoapis.eu');
      assert.deepEqual(
        (await store.getTokens()).map((token) => token.id),
        ['1', '9', '10'],
      );
      assert.equal((await store.findTokenById('10'))?.expiresAt, 1767225600002);
    } finally {
      await store.close();
    }
    const after = inspect(path);
    assert.equal(after.tableSql, made.tableSql, "the table definition is the sample's, unchanged");
    assert.match(after.tableSql, /^CREATE TABLE oauthtoken \(id varchar\(10\) NOT NULL,user_name varchar\(255\), client_id /);
    assert.deepEqual(after.rows, [ADA, NO_USER, TEN], 'the rows are exactly as the sample wrote them');
    assert.equal(after.version, SQLITE_SCHEMA_VERSION);
    assert.deepEqual(after.indexes, [
      'oauthtoken_access_token',
      'oauthtoken_grant_token',
      'oauthtoken_id_number',
      'oauthtoken_refresh_token',
      'oauthtoken_user_name',
    ]);
    assert.equal(after.journal, 'wal');
  });

  test('new tokens get max(id) + 1 over the numbers, not the text max the sample uses, and updates keep the row', async () => {
    const path = freshPath();
    createArticleDatabase(path, [ADA, NO_USER, TEN]);
    const store = await SQLiteStore.open({ path });
    try {
      const grace = new OAuthToken({ userSignature: 'grace@example.com', refreshToken: '1000.refresh.g', accessToken: '1000.access.g' });
      await store.saveToken(grace);
      assert.equal(grace.id, '11');
      const update = new OAuthToken({ userSignature: 'ada@example.com', accessToken: '1000.access.a2', expiresAt: 1767229200000 });
      await store.saveToken(update);
      assert.equal(update.id, '1');
    } finally {
      await store.close();
    }
    const rows = inspect(path).rows;
    assert.equal(rows.length, 4);
    assert.deepEqual(
      rows[0],
      [
        '1',
        'ada@example.com',
        '1000.CLIENT',
        'secret-a',
        '1000.refresh.a',
        '1000.access.a2',
        null,
        '1767229200000',
        'https://app.example.com/cb',
        'https://www.zohoapis.com',
      ],
      'an update writes the same text columns the sample reads',
    );
  });

  test('a database whose oauthtoken table is empty opens, and the first token gets id 1', async () => {
    const path = freshPath();
    createArticleDatabase(path);
    const made = inspect(path);
    const store = await SQLiteStore.open({ path });
    try {
      assert.deepEqual(await store.getTokens(), []);
      const token = new OAuthToken({ userSignature: 'first@example.com', accessToken: '1000.access.first' });
      await store.saveToken(token);
      assert.equal(token.id, '1');
    } finally {
      await store.close();
    }
    assert.equal(inspect(path).tableSql, made.tableSql);
  });

  test("a missing file is created with the article's table; opening it again changes nothing", async () => {
    const path = freshPath();
    const first = await SQLiteStore.open({ path });
    await first.saveToken(new OAuthToken({ userSignature: 'ada@example.com', accessToken: '1000.access.a' }));
    await first.close();
    const before = inspect(path);
    assert.match(
      before.tableSql,
      /^CREATE TABLE oauthtoken \(id varchar\(10\) NOT NULL, user_name varchar\(255\),.* api_domain varchar\(255\), primary key \(id\)\)$/,
    );
    const second = await SQLiteStore.open({ path });
    assert.equal((await second.findTokenById('1'))?.userName, 'ada@example.com');
    await second.close();
    assert.deepEqual(inspect(path), before);
  });

  test('SQLiteStore.open() without a path uses ./zohooauth.db', async () => {
    const cwd = process.cwd();
    const dir = tempFolder('default');
    process.chdir(dir.dir);
    try {
      createArticleDatabase('zohooauth.db', [ADA]);
      const store = await SQLiteStore.open();
      assert.equal(store.path, 'zohooauth.db');
      assert.equal((await store.findTokenById('1'))?.userName, 'ada@example.com');
      await store.close();
    } finally {
      process.chdir(cwd);
      dir.remove();
    }
  });

  test('a nine-column table from an SDK before api_domain gets the column added; its rows read', async () => {
    const path = freshPath();
    const db = new Database(path);
    db.exec(
      'CREATE TABLE oauthtoken (id varchar(10) NOT NULL, user_name varchar(255), client_id varchar(255), client_secret varchar(255), refresh_token varchar(255), access_token varchar(255), grant_token varchar(255), expiry_time varchar(20), redirect_url varchar(255), primary key (id))',
    );
    db.prepare("INSERT INTO oauthtoken VALUES ('1', 'old@example.com', NULL, NULL, '1000.refresh.o', NULL, NULL, '', NULL)").run();
    db.close();
    const store = await SQLiteStore.open({ path });
    const old = await store.findToken(new OAuthToken({ userSignature: 'old@example.com' }));
    assert.equal(old?.refreshToken, '1000.refresh.o');
    assert.equal(old?.expiresAt, null, 'an empty expiry_time reads as no expiry');
    assert.equal(old?.apiDomain, null);
    await store.saveToken(
      new OAuthToken({ userSignature: 'old@example.com', apiDomain: 'https://www.zohoapis.in', accessToken: '1000.access.o' }),
    );
    assert.equal((await store.findTokenById('1'))?.apiDomain, 'https://www.zohoapis.in');
    await store.close();
  });

  test('empty user names (the sample can write them) become NULL so they do not collide in the unique index', async () => {
    const path = freshPath();
    createArticleDatabase(path, [
      ['1', '', null, null, null, '1000.access.x', null, null, null, null],
      ['2', '', null, null, null, '1000.access.y', null, null, null, null],
    ]);
    const store = await SQLiteStore.open({ path });
    assert.deepEqual(
      (await store.getTokens()).map((token) => [token.id, token.userName]),
      [
        ['1', null],
        ['2', null],
      ],
    );
    await store.close();
  });
});

describe('files the store refuses, with nothing changed', () => {
  test('tokens that share a user name: STORE_CORRUPT naming their ids, and the file is untouched', async () => {
    const path = freshPath();
    createArticleDatabase(path, [ADA, ['2', 'ada@example.com', null, null, null, '1000.access.dup', null, null, null, null]]);
    const before = inspect(path);
    await expectCode(SQLiteStore.open({ path }), ErrorCode.STORE_CORRUPT, /ids 1, 2/);
    const after = inspect(path);
    assert.deepEqual(after.indexes, [], 'no index was created');
    assert.equal(after.version, undefined, 'no schema version was recorded');
    assert.deepEqual({ ...after, journal: null }, { ...before, journal: null });
  });

  test('a table named oauthtoken that is not a token table: STORE_CORRUPT naming the missing columns', async () => {
    const path = freshPath();
    const db = new Database(path);
    db.exec('CREATE TABLE oauthtoken (id TEXT PRIMARY KEY, payload TEXT)');
    db.close();
    await expectCode(SQLiteStore.open({ path }), ErrorCode.STORE_CORRUPT, /no column user_name, client_id/);
  });

  test('a schema newer than this code: STORE_CORRUPT asking for an upgrade', async () => {
    const path = freshPath();
    (await SQLiteStore.open({ path })).close();
    const db = new Database(path);
    db.prepare('UPDATE zoho_token_store_schema SET version = ? WHERE subject = ?').run(SQLITE_SCHEMA_VERSION + 1, 'oauthtoken');
    db.close();
    await expectCode(SQLiteStore.open({ path }), ErrorCode.STORE_CORRUPT, /upgrade zoho-token-store/);
  });

  test('a file that is not a database: STORE_CORRUPT; a folder that does not exist: INVALID_CONFIG', async () => {
    const path = freshPath();
    writeFileSync(path, 'id,user_name\n1,ada@example.com\n'.repeat(200));
    await expectCode(SQLiteStore.open({ path }), ErrorCode.STORE_CORRUPT);
    await expectCode(SQLiteStore.open({ path: folder.file('no/such/folder/zohooauth.db') }), ErrorCode.INVALID_CONFIG);
  });

  test('invalid options: INVALID_CONFIG before anything is opened', async () => {
    const db = new Database(':memory:');
    await expectCode(SQLiteStore.open({ path: '' }), ErrorCode.INVALID_CONFIG, /"path"/);
    await expectCode(SQLiteStore.open({ path: ':memory:', database: db }), ErrorCode.INVALID_CONFIG, /exclude each other/);
    await expectCode(SQLiteStore.open({ database: {} as never }), ErrorCode.INVALID_CONFIG, /"database"/);
    await expectCode(SQLiteStore.open({ path: ':memory:', busyTimeoutMs: -1 }), ErrorCode.INVALID_CONFIG, /"busyTimeoutMs"/);
    await expectCode(SQLiteStore.open({ path: ':memory:', durability: 'off' as never }), ErrorCode.INVALID_CONFIG, /"durability"/);
    db.close();
    await expectCode(SQLiteStore.open({ database: db }), ErrorCode.INVALID_CONFIG, /closed/);
  });
});

describe('a Database passed in', () => {
  test('is used as it is and never closed by the store', async () => {
    const db = new Database(':memory:');
    const store = await SQLiteStore.open({ database: db });
    await store.saveToken(new OAuthToken({ userSignature: 'ada@example.com', accessToken: '1000.access.a' }));
    await store.close();
    await store.close();
    assert.equal(db.open, true);
    assert.deepEqual(db.prepare('SELECT id, user_name FROM oauthtoken').raw().all(), [['1', 'ada@example.com']]);
    await expectCode(store.findTokenById('1'), ErrorCode.STORE_CLOSED);
    db.close();
  });

  test('a store that opened its file closes it', async () => {
    const path = freshPath();
    const store = await SQLiteStore.open({ path });
    await store.close();
    // An exclusive lock succeeds only when no other connection has the file open.
    const db = new Database(path);
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE; COMMIT');
    db.close();
    assert.equal(inspect(path).version, SQLITE_SCHEMA_VERSION);
  });
});
