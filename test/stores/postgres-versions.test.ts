import assert from 'node:assert/strict';
import { after, afterEach, beforeEach, describe, test } from 'node:test';
import pg from 'pg';
import { OAuthToken } from 'zoho-token-store';
import { PostgresStore } from 'zoho-token-store/postgres';
import { completeToken, zohoLikeToken } from 'zoho-token-store/testing';
import { skipUnless } from '../_services.js';
import { PG_CONNECTION, adminPool, dropSchema, uniqueName } from './_postgres.js';
import { concurrentFieldUpdatesKeepBoth, deletedSinceReadIsSavedAgain } from './_version-scenarios.js';

const skip = await skipUnless('postgres');

/** A pool that records what the store sends: statements on the pool itself, and every statement its clients run. */
function recordingPool(): { pool: pg.Pool; sent: { pool: string[]; client: string[] } } {
  const pool = new pg.Pool({ ...PG_CONNECTION, max: 4 });
  const sent = { pool: [] as string[], client: [] as string[] };
  const query = pool.query.bind(pool) as (text: string, values?: unknown[]) => Promise<unknown>;
  (pool as unknown as { query: typeof query }).query = (text, values) => {
    sent.pool.push(text);
    return query(text, values);
  };
  // pg's pool.query checks out with a callback; the store's transactions check out with a promise.
  const connect = pool.connect.bind(pool) as (...args: unknown[]) => unknown;
  (pool as unknown as { connect: typeof connect }).connect = (...args) => {
    const checkedOut = connect(...args);
    if (args.length > 0) return checkedOut;
    return (checkedOut as Promise<pg.PoolClient>).then((client) => {
      // pg's own pool.query reuses this client later with a callback: pass every argument through.
      const clientQuery = client.query.bind(client) as (text: string, ...rest: unknown[]) => unknown;
      (client as unknown as { query: typeof clientQuery }).query = (text, ...rest) => {
        sent.client.push(text);
        return clientQuery(text, ...rest);
      };
      return client;
    });
  };
  return { pool, sent };
}

describe('PostgresStore saves a row it has seen with one compare-and-set UPDATE, and falls back when it changed', { skip }, () => {
  const schema = uniqueName('versions');
  const admin = adminPool();
  let table = '';
  let recorded: ReturnType<typeof recordingPool>;
  let store: PostgresStore;
  let other: PostgresStore;
  const row = async (id: string | null) =>
    (await admin.query(`SELECT access_token, refresh_token, expiry_time FROM "${schema}"."${table}" WHERE id = $1`, [id])).rows[0];

  beforeEach(async () => {
    table = uniqueName('t');
    recorded = recordingPool();
    store = await PostgresStore.open({ pool: recorded.pool, schema, table });
    other = await PostgresStore.open({ connection: { ...PG_CONNECTION, max: 2 }, schema, table });
  });

  afterEach(async () => {
    await store.close();
    await other.close();
    await recorded.pool.end();
    await admin.query(`DROP TABLE IF EXISTS "${schema}"."${table}"`);
  });

  after(async () => {
    await dropSchema(admin, schema);
    await admin.end();
  });

  test('a save after findToken of the same user is one statement, without the write lock', async () => {
    const token = completeToken();
    await store.saveToken(token);
    const found = await store.findToken(new OAuthToken({ userSignature: token.userName }));
    assert.ok(found);
    recorded.sent.pool.length = 0;
    recorded.sent.client.length = 0;
    const access = zohoLikeToken();
    found.accessToken = access;
    found.expiresAt = 1_800_000_000_000;
    await store.saveToken(found);
    assert.ok(!recorded.sent.client.some((text) => /BEGIN|pg_advisory/.test(text)), 'no transaction, no lock');
    assert.equal(recorded.sent.pool.length, 1);
    assert.match(recorded.sent.pool[0] ?? '', /^UPDATE .* IS NOT DISTINCT FROM/s);
    assert.deepEqual(await row(token.id), { access_token: access, refresh_token: token.refreshToken, expiry_time: '1800000000000' });
  });

  test('a new token takes the locked path', async () => {
    recorded.sent.client.length = 0;
    await store.saveToken(completeToken());
    assert.ok(recorded.sent.client.some((text) => text.includes('pg_advisory_xact_lock')));
  });

  test('a row another store changed since it was read is not overwritten: the compare-and-set fails and the save reads again', async () => {
    const token = completeToken();
    await store.saveToken(token);
    const user = new OAuthToken({ userSignature: token.userName });
    assert.ok(await store.findToken(user));
    const refresh = zohoLikeToken();
    await other.saveToken(new OAuthToken({ userSignature: token.userName, refreshToken: refresh }));
    recorded.sent.pool.length = 0;
    const access = zohoLikeToken();
    await store.saveToken(new OAuthToken({ userSignature: token.userName, accessToken: access }));
    assert.ok(recorded.sent.pool.filter((text) => text.startsWith('UPDATE')).length >= 2, 'the first compare-and-set must have failed');
    assert.deepEqual(await row(token.id), { access_token: access, refresh_token: refresh, expiry_time: String(token.expiresAt) });
  });

  test('a change still uncommitted in another transaction makes the compare-and-set wait, fail and fall back', async () => {
    const token = completeToken();
    await store.saveToken(token);
    assert.ok(await store.findToken(new OAuthToken({ userSignature: token.userName })));
    const holder = await admin.connect();
    try {
      const refresh = zohoLikeToken();
      await holder.query('BEGIN');
      await holder.query(`UPDATE "${schema}"."${table}" SET refresh_token = $1 WHERE id = $2`, [refresh, token.id]);
      const access = zohoLikeToken();
      let settled = false;
      const saving = store.saveToken(new OAuthToken({ userSignature: token.userName, accessToken: access })).finally(() => {
        settled = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(settled, false, 'the save must wait for the row lock of the other transaction');
      await holder.query('COMMIT');
      await saving;
      assert.deepEqual(await row(token.id), { access_token: access, refresh_token: refresh, expiry_time: String(token.expiresAt) });
    } finally {
      holder.release();
    }
  });

  test('a row deleted by another store since it was read is saved again as a new row', () => deletedSinceReadIsSavedAgain(store, other));

  test("two stores updating different fields of one row at once lose neither store's last write", () =>
    concurrentFieldUpdatesKeepBoth(store, other, row));
});
