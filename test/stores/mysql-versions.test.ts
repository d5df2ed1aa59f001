import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { OAuthToken } from 'zoho-token-store';
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
        (i % 2 === 0 ? first : second).saveToken(new OAuthToken({ userSignature: token.userName, accessToken: zohoLikeToken(), expiresAt })),
      ),
    );
    const listed = await first.getTokens();
    assert.equal(listed.length, 1);
    assert.ok(expiries.includes(Number(listed[0]?.expiresAt)));
    assert.equal(listed[0]?.refreshToken, token.refreshToken);
  });
});
