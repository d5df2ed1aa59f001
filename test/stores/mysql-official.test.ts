import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { ErrorCode, OAuthToken } from 'zoho-token-store';
import { MySQLStore } from 'zoho-token-store/mysql';
import { completeToken } from 'zoho-token-store/testing';
import { skipUnless } from '../_services.js';
import { admin, createDatabase, dropDatabase, MARIADB, OFFICIAL_CREATE_TABLE, uniqueDatabaseName } from './_mysql-databases.js';
import { officialDbStore, officialToken, type OfficialToken } from './_official-db-store.js';

const skip = await skipUnless('mariadb');
// The official store's methods resolve to its Token interface; what they hold is its OAuthToken.
const asOfficial = (token: unknown): OfficialToken | null => (token ?? null) as OfficialToken | null;

const client = { clientId: '1000.OFFICIALCLIENT', clientSecret: 'official-client-secret' };

describe('MySQLStore and the official SDK DBStore on one oauthtoken table', { skip }, () => {
  let database = '';
  let store: MySQLStore | null = null;

  beforeEach(async () => {
    database = uniqueDatabaseName('official');
    await createDatabase(database);
    await admin(OFFICIAL_CREATE_TABLE(database)); // exactly as the official documentation creates it
  });

  afterEach(async () => {
    await store?.close();
    store = null;
    await dropDatabase(database);
  });

  test('each finds, updates and deletes the tokens the other saved', async () => {
    const official = officialDbStore(database);
    // The official SDK writes first, into the table as its documentation creates it.
    await official.saveToken(
      officialToken({
        user: 'ada@example.com',
        ...client,
        refreshToken: '1000.r.ada',
        accessToken: '1000.a.ada',
        expiresAt: 1_732_000_000_000,
        redirectUrl: 'https://app.example.com/cb',
        apiDomain: 'https://www.zohoapis.com',
      }),
    );

    store = await MySQLStore.open({ ...MARIADB, database });
    const ada = await store.findToken(new OAuthToken({ userSignature: 'ada@example.com' }));
    assert.ok(ada, 'MySQLStore must find the token the official DBStore saved, by user name');
    assert.equal(ada.id, '1');
    assert.equal(ada.refreshToken, '1000.r.ada');
    assert.equal(ada.accessToken, '1000.a.ada');
    assert.equal(ada.expiresAt, 1_732_000_000_000);
    assert.equal(ada.apiDomain, 'https://www.zohoapis.com');
    assert.equal((await store.findToken(new OAuthToken({ accessToken: '1000.a.ada' })))?.id, '1');
    assert.equal((await store.findToken(new OAuthToken({ ...client, refreshToken: '1000.r.ada' })))?.id, '1');

    // MySQLStore writes; the official DBStore reads it back.
    const bob = completeToken({ userSignature: 'bob@example.com', ...client });
    await store.saveToken(bob);
    assert.equal(bob.id, '2');
    const bobOfficial = asOfficial(await official.findToken(officialToken({ user: 'bob@example.com' })));
    assert.ok(bobOfficial, 'the official DBStore must find the token MySQLStore saved');
    assert.equal(bobOfficial.getId(), '2');
    assert.equal(bobOfficial.getAccessToken(), bob.accessToken);
    assert.equal(bobOfficial.getRefreshToken(), bob.refreshToken);
    assert.equal(bobOfficial.getClientSecret(), bob.clientSecret);
    assert.equal(bobOfficial.getExpiresIn(), String(bob.expiresAt));
    assert.equal(bobOfficial.getAPIDomain(), bob.apiDomain);

    // Updates cross both ways.
    await official.saveToken(officialToken({ user: 'ada@example.com', accessToken: '1000.a.ada.2', expiresAt: 1_732_000_360_000 }));
    const adaUpdated = await store.findToken(new OAuthToken({ userSignature: 'ada@example.com' }));
    assert.equal(adaUpdated?.accessToken, '1000.a.ada.2');
    assert.equal(adaUpdated?.expiresAt, 1_732_000_360_000);
    assert.equal(adaUpdated?.refreshToken, '1000.r.ada', 'a field the official update left out keeps its value');
    await store.saveToken(new OAuthToken({ userSignature: 'bob@example.com', accessToken: '1000.a.bob.2' }));
    assert.equal(asOfficial(await official.findToken(officialToken({ user: 'bob@example.com' })))?.getAccessToken(), '1000.a.bob.2');

    // The official DBStore still inserts into the table MySQLStore completed with its indexes.
    await official.saveToken(
      officialToken({ user: 'carol@example.com', ...client, grantToken: '1000.g.carol', accessToken: '1000.a.carol' }),
    );
    const carol = await store.findToken(new OAuthToken({ userSignature: 'carol@example.com' }));
    assert.equal(carol?.id, '3');
    assert.equal((await store.findToken(new OAuthToken({ ...client, grantToken: '1000.g.carol' })))?.id, '3');

    const officialList = ((await official.getTokens()) ?? []) as OfficialToken[];
    assert.deepEqual(officialList.map((token) => token.getId()).sort(), ['1', '2', '3']);
    assert.deepEqual(
      (await store.getTokens()).map((token) => token.id),
      ['1', '2', '3'],
    );
    assert.equal(asOfficial(await official.findTokenById('2'))?.getAccessToken(), '1000.a.bob.2');

    await official.deleteToken('2');
    assert.equal(await store.findTokenById('2'), null);
    await store.deleteToken('1');
    assert.equal(await official.findToken(officialToken({ user: 'ada@example.com' })), null);
  });

  test('adopting the table adds only indexes and an invisible column: SELECT * still shows the official ten', async () => {
    store = await MySQLStore.open({ ...MARIADB, database });
    const [row] = await admin<Array<Record<string, unknown>>>(
      `SELECT * FROM \`${database}\`.oauthtoken UNION ALL SELECT '1','u',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL LIMIT 1`,
    );
    assert.deepEqual(Object.keys(row ?? {}), [
      'id',
      'user_name',
      'client_id',
      'client_secret',
      'refresh_token',
      'access_token',
      'grant_token',
      'expiry_time',
      'redirect_url',
      'api_domain',
    ]);
    const indexes = await admin<Array<{ name: string; column: string; unique: number }>>(
      `SELECT INDEX_NAME AS name, COLUMN_NAME AS \`column\`, 1 - NON_UNIQUE AS \`unique\` FROM information_schema.STATISTICS
        WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'oauthtoken' ORDER BY INDEX_NAME`,
      [database],
    );
    const byColumn = new Map(indexes.map((index) => [index.column, index]));
    assert.equal(Number(byColumn.get('user_name')?.unique), 1, 'user_name must get a unique index');
    for (const column of ['access_token', 'refresh_token', 'grant_token', 'zts_id_number'])
      assert.ok(byColumn.has(column), `${column} must be indexed`);
  });

  test('on the official table (case-insensitive collation) lookups stay exact and a user name differing only in case is a conflict', async () => {
    store = await MySQLStore.open({ ...MARIADB, database });
    const ada = completeToken({ userSignature: 'ada@example.com', accessToken: '1000.abc.def' });
    await store.saveToken(ada);
    assert.equal(await store.findToken(new OAuthToken({ userSignature: 'ADA@example.com' })), null);
    assert.equal(
      await store.findToken(new OAuthToken({ userSignature: 'ada@example.com ' })),
      null,
      'a trailing space is a different user',
    );
    assert.equal(await store.findToken(new OAuthToken({ accessToken: '1000.ABC.DEF' })), null);
    assert.equal((await store.findToken(new OAuthToken({ accessToken: '1000.abc.def' })))?.id, ada.id);
    await assert.rejects(store.saveToken(completeToken({ userSignature: 'ADA@example.com' })), { code: ErrorCode.TOKEN_CONFLICT });
    assert.equal((await store.getTokens()).length, 1);
  });

  test('a table holding one user twice is refused with STORE_CORRUPT naming the ids, and left unchanged', async () => {
    await admin(
      `INSERT INTO \`${database}\`.oauthtoken (id, user_name, access_token) VALUES ('1', 'ada@example.com', 'a'), ('2', 'ada@example.com', 'b')`,
    );
    await assert.rejects(MySQLStore.open({ ...MARIADB, database }), (error: Error & { code?: string }) => {
      assert.equal(error.code, ErrorCode.STORE_CORRUPT);
      assert.match(error.message, /ids 1, 2/);
      assert.doesNotMatch(error.message, /ada@example\.com/);
      return true;
    });
    const rows = await admin<unknown[]>(`SELECT id FROM \`${database}\`.oauthtoken`);
    assert.equal(rows.length, 2);
  });
});
