// What a MySQL user needs: with both tables in place, SELECT, INSERT, UPDATE and DELETE are enough, even with
// createTable left on (the default); where a table or index is missing, the refusal names both tables and the
// privileges the DDL needs, not the token table alone.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ErrorCode, OAuthToken } from 'zoho-token-store';
import { MySQLStore } from 'zoho-token-store/mysql';
import { completeToken } from 'zoho-token-store/testing';
import { skipUnless } from '../_services.js';
import { admin, createDatabase, dropDatabase, MARIADB, OFFICIAL_CREATE_TABLE, uniqueDatabaseName } from './_mysql-databases.js';

const skip = await skipUnless('mariadb');

describe('MySQLStore with a user that may only read and write rows', { skip }, () => {
  const user = `zts_dml_${randomBytes(4).toString('hex')}`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const prepared = uniqueDatabaseName('dml');
  const bare = uniqueDatabaseName('dmlbare');
  const asUser = (database: string) => ({ ...MARIADB, user, password, database });

  before(async () => {
    await createDatabase(prepared);
    await (await MySQLStore.open({ ...MARIADB, database: prepared })).close(); // the tables, as root
    await createDatabase(bare);
    await admin(OFFICIAL_CREATE_TABLE(bare)); // the official DDL only: no indexes, no lock table
    await admin(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`);
    for (const database of [prepared, bare]) await admin(`GRANT SELECT, INSERT, UPDATE, DELETE ON \`${database}\`.* TO '${user}'@'%'`);
  });
  after(async () => {
    await admin(`DROP USER IF EXISTS '${user}'@'%'`);
    await dropDatabase(prepared);
    await dropDatabase(bare);
  });

  test('both tables in place: it opens with the default createTable, saves, finds and takes the refresh lock', async () => {
    const store = await MySQLStore.open(asUser(prepared));
    try {
      const token = completeToken();
      await store.saveToken(token);
      assert.equal((await store.findToken(new OAuthToken({ userSignature: token.userName })))?.accessToken, token.accessToken);
      const lease = await store.acquireRefreshLock(String(token.id), { waitMs: 0, leaseMs: 5_000 });
      assert.ok(lease, 'the refresh lock');
      await lease.release();
    } finally {
      await store.close();
    }
  });

  test('an official table without the lock table: STORE_ACCESS_DENIED naming both tables and the privileges, no password', async () => {
    await assert.rejects(MySQLStore.open(asUser(bare)), (error: Error & { code?: string }) => {
      assert.equal(error.code, ErrorCode.STORE_ACCESS_DENIED);
      assert.match(error.message, new RegExp(`${bare}\\.oauthtoken`));
      assert.match(error.message, new RegExp(`${bare}\\.zts_locks`));
      assert.match(error.message, /CREATE/);
      assert.match(error.message, /docs\/mysql-store.md/);
      assert.doesNotMatch(error.message, new RegExp(password));
      return true;
    });
  });
});
