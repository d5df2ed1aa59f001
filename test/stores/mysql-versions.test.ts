import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import mysql from 'mysql2/promise';
import { OAuthToken, UserSignature } from 'zoho-token-store';
import { MySQLStore } from 'zoho-token-store/mysql';
import { completeToken, zohoLikeToken } from 'zoho-token-store/testing';
import { skipUnless } from '../_services.js';
import { admin, dropDatabase, MARIADB, uniqueDatabaseName } from './_mysql-databases.js';

const skip = await skipUnless('mariadb');

// Two stores stand for two processes: each keeps the versions it has seen, and saves from them without the lock.
describe('MySQLStore saves from a version another writer has changed since', { skip }, () => {
  let database = '';
  let first: MySQLStore;
  let second: MySQLStore;

  beforeEach(async () => {
    database = uniqueDatabaseName('versions');
    first = await MySQLStore.open({ ...MARIADB, database, createDatabase: true, connectionLimit: 2 });
    second = await MySQLStore.open({ ...MARIADB, database, connectionLimit: 2 });
  });

  afterEach(async () => {
    await first.close();
    await second.close();
    await dropDatabase(database);
  });

  test('a field another store changed is kept: no lost update', async () => {
    const token = completeToken();
    await first.saveToken(token);
    const user = new OAuthToken({ userSignature: token.userName });
    assert.ok(await first.findToken(user)); // the first store now knows this version
    const refresh = zohoLikeToken();
    await second.saveToken(new OAuthToken({ userSignature: token.userName, refreshToken: refresh }));
    const access = zohoLikeToken();
    await first.saveToken(new OAuthToken({ userSignature: token.userName, accessToken: access }));
    const stored = await second.findToken(user);
    assert.equal(stored?.refreshToken, refresh, "the second store's refresh token must survive the first store's save");
    assert.equal(stored?.accessToken, access);
    assert.equal(stored?.clientSecret, token.clientSecret);
  });

  test('a change made outside any MySQLStore (the official SDK, a hand edit) is kept too', async () => {
    const token = completeToken();
    await first.saveToken(token);
    await admin(`UPDATE \`${database}\`.oauthtoken SET api_domain = 'https://www.zohoapis.eu' WHERE id = ?`, [token.id]);
    await first.saveToken(new OAuthToken({ userSignature: token.userName, accessToken: zohoLikeToken() }));
    assert.equal((await second.findTokenById(String(token.id)))?.apiDomain, 'https://www.zohoapis.eu');
  });

  test('a row another store deleted is saved again as a new row, not silently lost', async () => {
    const token = completeToken();
    await first.saveToken(token);
    await second.deleteToken(String(token.id));
    const access = zohoLikeToken();
    const again = new OAuthToken({ userSignature: token.userName, accessToken: access });
    await first.saveToken(again);
    const listed = await second.getTokens();
    assert.equal(listed.length, 1);
    assert.equal(listed[0]?.accessToken, access);
    assert.equal(again.id, listed[0]?.id);
  });

  test('two stores saving one user at once leave one row with every save counted in its expiry', async () => {
    const token = completeToken({ expiresAt: 0 });
    await first.saveToken(token);
    // Each save writes a distinct expiry; the final one must be one of them, and the row must stay single.
    const expiries = Array.from({ length: 40 }, (_, i) => i + 1);
    await Promise.all(
      expiries.map((expiresAt, i) =>
        (i % 2 === 0 ? first : second).saveToken(
          new OAuthToken({ userSignature: token.userName, accessToken: zohoLikeToken(), expiresAt }),
        ),
      ),
    );
    const listed = await first.getTokens();
    assert.equal(listed.length, 1);
    assert.ok(expiries.includes(Number(listed[0]?.expiresAt)));
    assert.equal(listed[0]?.refreshToken, token.refreshToken);
  });
});

/** A mysql2 pool whose statements (on the pool and on connections it hands out) are recorded. */
function recordingPool(database: string): { pool: mysql.Pool; sent: string[] } {
  const pool = mysql.createPool({ ...MARIADB, database, connectionLimit: 2 });
  const sent: string[] = [];
  const record = (target: { execute: unknown; query: unknown }) => {
    for (const method of ['execute', 'query'] as const) {
      const original = (target[method] as (sql: string, values?: unknown[]) => Promise<unknown>).bind(target);
      target[method] = (sql: string, values?: unknown[]) => {
        sent.push(sql);
        return original(sql, values);
      };
    }
  };
  record(pool as unknown as { execute: unknown; query: unknown });
  const getConnection = pool.getConnection.bind(pool);
  pool.getConnection = async () => {
    const connection = await getConnection();
    record(connection as unknown as { execute: unknown; query: unknown });
    return connection;
  };
  return { pool, sent };
}

describe('MySQLStore saves a row it has seen with one compare-and-set UPDATE', { skip }, () => {
  let database = '';
  let recorded: ReturnType<typeof recordingPool>;
  let store: MySQLStore;

  beforeEach(async () => {
    database = uniqueDatabaseName('cas');
    await (await MySQLStore.open({ ...MARIADB, database, createDatabase: true, connectionLimit: 1 })).close();
    recorded = recordingPool(database);
    store = await MySQLStore.open({ pool: recorded.pool, database });
  });

  afterEach(async () => {
    await store.close();
    await recorded.pool.end();
    await dropDatabase(database);
  });

  test('a save after a find sends one UPDATE and takes no lock', async () => {
    const token = completeToken();
    await store.saveToken(token);
    const found = await store.findToken(new OAuthToken({ userSignature: token.userName }));
    assert.ok(found);
    recorded.sent.length = 0;
    found.accessToken = '1000.new-access';
    await store.saveToken(found);
    assert.equal(recorded.sent.length, 1, `sent: ${recorded.sent.map((sql) => sql.slice(0, 30)).join(' | ')}`);
    assert.match(recorded.sent[0] as string, /^UPDATE /);
    assert.equal((await store.findTokenById(found.id as string))?.accessToken, '1000.new-access');
  });

  test('a save that changes the user name takes the write lock (the unique name is checked against other rows)', async () => {
    const token = completeToken();
    await store.saveToken(token);
    const found = await store.findTokenById(token.id as string);
    assert.ok(found);
    recorded.sent.length = 0;
    found.userSignature = new UserSignature('renamed@example.com');
    await store.saveToken(found);
    assert.ok(
      recorded.sent.some((sql) => sql.includes('GET_LOCK')),
      `sent: ${recorded.sent.map((sql) => sql.slice(0, 30)).join(' | ')}`,
    );
    assert.equal((await store.findTokenById(token.id as string))?.userName, 'renamed@example.com');
  });
});
