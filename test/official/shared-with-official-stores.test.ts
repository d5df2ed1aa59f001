// The official SDK's own stores and ours through the bridge on one token file and one MySQL table: the official
// SDK with its FileStore or DBStore and the official SDK with our FileStore or MySQLStore take turns, and each reads
// exactly what the other wrote, values holding quotes, apostrophes, SQL and spreadsheet formulas included.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { OAuthToken, type TokenStore } from 'zoho-token-store';
import { FileStore } from 'zoho-token-store/file';
import { MySQLStore } from 'zoho-token-store/mysql';
import { OfficialTokenStore, type OfficialOAuthToken } from 'zoho-token-store/official';
import { fieldsOf } from 'zoho-token-store/testing';
import { skipUnless } from '../_services.js';
import { admin, createDatabase, dropDatabase, MARIADB, OFFICIAL_CREATE_TABLE, uniqueDatabaseName } from '../stores/_mysql-databases.js';
import { fieldsOfOfficial, officialFileStore, officialToken, type OfficialToken } from '../stores/_official-sdk.js';
import { officialDbStore } from '../stores/_official-db-store.js';
import { tokenHolding } from '../stores/_value-tokens.js';
import { officialHarnessForFile, type OfficialStore } from './_official-harness.js';

const VALUES = ['say "hi"', "O'Brien", "'; DROP TABLE oauthtoken; --", '=HYPERLINK("http://x")'];
const hasApostrophe = (value: string): boolean => value.includes("'");

const { folder, harness } = officialHarnessForFile('official-shared');

/** What an official store exposes of the six methods. */
interface OfficialStoreLike {
  findToken(token: OfficialToken): Promise<unknown>;
  saveToken(token: OfficialToken): Promise<unknown>;
}

const asStore = (store: unknown): OfficialStore => store as OfficialStore;
const withoutId = ({ id: _id, ...rest }: Record<string, unknown>): Record<string, unknown> => rest;
const officialHolding = (value: string, i: number): OfficialToken => officialToken(tokenHolding(value, i, 1_732_000_000_000 + i));

/**
 * The official SDK authorizes with its own store; with ours through the bridge it then refreshes the expired token;
 * its own store reads the refreshed token, and the official SDK on its own store calls the API with it.
 */
async function takeTurns(officialStore: OfficialStoreLike, ours: TokenStore): Promise<void> {
  const h = harness();
  const client = h.client();
  const user = h.user();
  h.emulator.stats.reset();
  await h.initialize(asStore(officialStore), h.grantToken(client, h.grantCode(client, user)));
  const name = `${user.email}:${user.orgId}`;
  const written = await ours.findToken(new OAuthToken({ userSignature: name }));
  assert.ok(written?.refreshToken, 'ours reads the token the official store saved');
  await h.rememberSecrets(ours);

  await ours.saveToken(new OAuthToken({ id: written.id, refreshToken: written.refreshToken, expiresAt: Date.now() - 1 }));
  await h.initialize(asStore(new OfficialTokenStore(ours)), h.userToken(name));
  assert.deepEqual(await h.currentUser(), { status: 200, emails: [user.email] });
  assert.equal(h.emulator.stats.refreshRequests(), 1);
  const refreshed = await ours.findTokenById(String(written.id));
  assert.ok(refreshed?.accessToken && refreshed.accessToken !== written.accessToken);
  await h.rememberSecrets(ours);

  const seen = (await officialStore.findToken(officialToken({ userName: name }))) as OfficialToken | null;
  assert.equal(seen?.getAccessToken(), refreshed.accessToken, 'the official store reads the token ours saved');
  assert.equal(seen?.getExpiresIn(), String(refreshed.expiresAt));
  await h.initialize(asStore(officialStore), h.userToken(name));
  assert.deepEqual(await h.currentUser(), { status: 200, emails: [user.email] });
  assert.equal(h.emulator.stats.refreshRequests(), 1, 'the official SDK on its own store uses the token ours refreshed');
}

/** Values saved through the bridge read back exactly by the official store, and the other way round. */
async function valuesBothWays(
  officialStore: OfficialStoreLike,
  bridge: OfficialTokenStore,
  officialCanWrite: (value: string) => boolean,
): Promise<void> {
  for (const [i, value] of VALUES.entries()) {
    const ours = officialHolding(value, i);
    await bridge.saveToken(ours as unknown as OfficialOAuthToken);
    const read = (await officialStore.findToken(officialToken({ userName: `${value}#user${i}` }))) as OfficialToken | null;
    assert.ok(read, `the official store finds what ours saved: ${value}`);
    assert.deepEqual(fieldsOfOfficial(read), fieldsOfOfficial(ours), `read exactly by the official store: ${value}`);

    if (!officialCanWrite(value)) continue;
    const theirs = officialHolding(value, i + 100);
    await officialStore.saveToken(theirs);
    const back = await bridge.findToken(officialToken({ userName: `${value}#user${i + 100}` }) as unknown as OfficialOAuthToken);
    assert.ok(back, `ours finds what the official store saved: ${value}`);
    assert.deepEqual(
      withoutId(fieldsOfOfficial(back as unknown as OfficialToken)),
      withoutId(fieldsOfOfficial(theirs)),
      `read exactly by ours: ${value}`,
    );
  }
}

describe('one token file: the official FileStore and our FileStore through the bridge', () => {
  test('the official SDK on either store uses the tokens the other saved', async () => {
    const path = join(folder, 'turns.txt');
    const ours = new FileStore({ path });
    await takeTurns(officialFileStore(path), ours);
    await ours.close();
  });

  test('values with quotes, apostrophes, SQL and formulas: each reads exactly what the other wrote', async () => {
    const path = join(folder, 'values.txt');
    const official = officialFileStore(path);
    const ours = new FileStore({ path });
    await valuesBothWays(official, new OfficialTokenStore(ours), () => true);
    const all = (await ours.getTokens()).map((token) => withoutId(fieldsOf(token)));
    assert.equal(all.length, VALUES.length * 2);
    await ours.close();
  });
});

const skip = await skipUnless('mariadb');

describe('one oauthtoken table: the official DBStore and our MySQLStore through the bridge', { skip }, () => {
  let database = '';
  let store: MySQLStore | null = null;

  before(async () => {
    database = uniqueDatabaseName('official_bridge');
    await createDatabase(database);
    await admin(OFFICIAL_CREATE_TABLE(database));
    store = await MySQLStore.open({ ...MARIADB, database });
  });
  after(async () => {
    await store?.close();
    await dropDatabase(database);
  });

  test('the official SDK on either store uses the tokens the other saved', async () => {
    await takeTurns(officialDbStore(database) as unknown as OfficialStoreLike, store as MySQLStore);
  });

  test('values with quotes, SQL and formulas: each reads exactly what the other wrote; an apostrophe breaks only the official writer', async () => {
    const official = officialDbStore(database) as unknown as OfficialStoreLike;
    const before = (await (store as MySQLStore).getTokens()).length;
    await valuesBothWays(official, new OfficialTokenStore(store as MySQLStore), (value) => !hasApostrophe(value));
    // The official DBStore builds its UPDATE by concatenation: an apostrophe in a value is a syntax error (or worse).
    await assert.rejects(official.saveToken(officialHolding("O'Brien", 200)));
    const tables = await admin<Array<Record<string, unknown>>>(`SHOW TABLES FROM \`${database}\``);
    // The official table, and the store's refresh-lock table beside it.
    assert.deepEqual(tables.map((row) => String(Object.values(row)[0])).sort(), ['oauthtoken', 'zts_locks'], 'the table is still there');
    const written = VALUES.length + VALUES.filter((value) => !hasApostrophe(value)).length;
    assert.equal((await (store as MySQLStore).getTokens()).length, before + written);
  });
});
