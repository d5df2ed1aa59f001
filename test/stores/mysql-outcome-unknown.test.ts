// A MySQL write cut after the server received it may be committed while the caller gets STORE_UNAVAILABLE: the store
// says so (`outcomeUnknown: true`) when the statement or COMMIT had been sent, and only then. The cut is real: a
// proxy forwards the write to the real server but holds back its answer, until the witness sees the row (or, for a
// write cut early, sees nothing), then drops the connection.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ErrorCode, OAuthToken, TokenStoreError } from 'zoho-token-store';
import { MySQLStore } from 'zoho-token-store/mysql';
import { completeToken } from 'zoho-token-store/testing';
import { ReplyHoldingProxy, eventually } from '../_reply-holding-proxy.js';
import { skipUnless } from '../_services.js';
import { MARIADB, admin, dropDatabase, uniqueDatabaseName } from './_mysql-databases.js';

const skip = await skipUnless('mariadb');

describe('MySQLStore: a write whose connection is lost after the server got it', { skip }, () => {
  const database = uniqueDatabaseName('unknown');
  const row = async (user: string) =>
    (await admin<Array<{ access_token: string }>>(`SELECT access_token FROM \`${database}\`.oauthtoken WHERE user_name = ?`, [user]))[0];
  before(async () => {
    const setup = await MySQLStore.open({ ...MARIADB, database, createDatabase: true });
    await setup.close();
  });
  after(async () => {
    await dropDatabase(database);
  });

  /** A store on its own proxy, and the proxy. */
  async function proxied(): Promise<{ store: MySQLStore; proxy: ReplyHoldingProxy }> {
    const proxy = new ReplyHoldingProxy({ host: MARIADB.host, port: MARIADB.port });
    const port = await proxy.start();
    const store = await MySQLStore.open({ ...MARIADB, port, database });
    return { store, proxy };
  }

  const unknownOutcome = (error: unknown): boolean => {
    assert.ok(error instanceof TokenStoreError, String(error));
    assert.equal(error.code, ErrorCode.STORE_UNAVAILABLE);
    assert.equal(error.outcomeUnknown, true);
    assert.match(error.message, /was lost after the write was sent.*may have applied it\. Read the token again/);
    return true;
  };

  test('an update (one compare-and-set statement) applied by the server: STORE_UNAVAILABLE with outcomeUnknown', async () => {
    const { store, proxy } = await proxied();
    try {
      const token = completeToken();
      await store.saveToken(token);
      // Updates first without a cut, so every pooled connection the next one may use has its statement prepared.
      const changed = token.clone();
      for (let i = 0; i < 3; i += 1) {
        changed.accessToken = `${token.accessToken}.warm${i}`;
        await store.saveToken(changed);
      }
      changed.accessToken = `${token.accessToken}.new`;
      proxy.holdReplies();
      const saving = store.saveToken(changed);
      await eventually(
        async () => (await row(String(token.userName)))?.access_token === changed.accessToken,
        'the server applied the update',
      );
      proxy.cut();
      await assert.rejects(saving, unknownOutcome);
    } finally {
      proxy.cut(); // a held answer would keep the pool from ending
      await store.close();
      await proxy.close();
    }
  });

  test('a new token (a locked transaction) whose COMMIT was sent and applied: STORE_UNAVAILABLE with outcomeUnknown', async () => {
    const { store, proxy } = await proxied();
    try {
      const token = completeToken();
      proxy.holdRepliesAfter('COMMIT');
      const saving = store.saveToken(token);
      await eventually(async () => (await row(String(token.userName))) !== undefined, 'the server committed the insert');
      proxy.cut();
      await assert.rejects(saving, unknownOutcome);
    } finally {
      proxy.cut(); // a held answer would keep the pool from ending
      await store.close();
      await proxy.close();
    }
  });

  test('a write lost before its COMMIT was sent: STORE_UNAVAILABLE without outcomeUnknown, and nothing written', async () => {
    const { store, proxy } = await proxied();
    try {
      const token = completeToken();
      await store.findToken(new OAuthToken({ userSignature: 'warm-up@example.com' })); // the pool is open
      proxy.holdReplies();
      const saving = store.saveToken(token);
      await eventually(async () => proxy.sentWhileHolding > 0, 'the write began');
      proxy.cut();
      await assert.rejects(saving, (error: unknown) => {
        assert.ok(error instanceof TokenStoreError, String(error));
        assert.equal(error.code, ErrorCode.STORE_UNAVAILABLE);
        assert.equal(error.outcomeUnknown, undefined);
        assert.doesNotMatch(error.message, /may have applied/);
        return true;
      });
      // The server rolls the transaction back when the connection ends.
      assert.equal(await row(String(token.userName)), undefined);
      assert.equal(
        await store.findToken(new OAuthToken({ userSignature: token.userName })),
        null,
        'the store works again, and has no such token',
      );
    } finally {
      proxy.cut(); // a held answer would keep the pool from ending
      await store.close();
      await proxy.close();
    }
  });

  test('a delete applied by the server: STORE_UNAVAILABLE with outcomeUnknown', async () => {
    const { store, proxy } = await proxied();
    try {
      const token = completeToken();
      await store.saveToken(token);
      // The pool hands out the connection released last: this one has the DELETE prepared.
      await store.deleteToken('999999999');
      proxy.holdReplies();
      const deleting = store.deleteToken(String(token.id));
      await eventually(async () => (await row(String(token.userName))) === undefined, 'the server applied the delete');
      proxy.cut();
      await assert.rejects(deleting, unknownOutcome);
    } finally {
      proxy.cut(); // a held answer would keep the pool from ending
      await store.close();
      await proxy.close();
    }
  });
});
