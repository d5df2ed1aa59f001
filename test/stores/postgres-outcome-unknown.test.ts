// A PostgreSQL write cut after the server received it may be committed while the caller gets STORE_UNAVAILABLE:
// the store says so (`outcomeUnknown: true`) when the statement or COMMIT had been sent, and only then. The cut is
// real: a proxy forwards the write to the real server but holds back its answer, until the witness sees the row
// (or, for a write cut early, sees nothing), then drops the connection.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ErrorCode, OAuthToken, TokenStoreError } from 'zoho-token-store';
import { PostgresStore } from 'zoho-token-store/postgres';
import { completeToken } from 'zoho-token-store/testing';
import { ReplyHoldingProxy, eventually } from '../_reply-holding-proxy.js';
import { skipUnless } from '../_services.js';
import { PG_CONNECTION, adminPool, dropSchema, uniqueName } from './_postgres.js';

const skip = await skipUnless('postgres');

describe('PostgresStore: a write whose connection is lost after the server got it', { skip }, () => {
  const schema = uniqueName('unknown');
  const admin = adminPool();
  const row = async (user: string) =>
    (await admin.query(`SELECT access_token FROM "${schema}".oauthtoken WHERE user_name = $1`, [user])).rows[0] as
      | { access_token: string }
      | undefined;
  before(async () => {
    const setup = await PostgresStore.open({ url: `postgres://postgres@${PG_CONNECTION.host}:${PG_CONNECTION.port}/test`, schema });
    await setup.close();
  });
  after(async () => {
    await dropSchema(admin, schema).finally(() => admin.end());
  });

  /** A store on its own proxy, warmed up (its pooled connection open), and the proxy. */
  async function proxied(): Promise<{ store: PostgresStore; proxy: ReplyHoldingProxy }> {
    const proxy = new ReplyHoldingProxy({ host: PG_CONNECTION.host, port: PG_CONNECTION.port });
    const port = await proxy.start();
    const store = await PostgresStore.open({ url: `postgres://postgres@127.0.0.1:${port}/test`, schema });
    return { store, proxy };
  }

  const unknownOutcome = (error: unknown): boolean => {
    assert.ok(error instanceof TokenStoreError, String(error));
    assert.equal(error.code, ErrorCode.STORE_UNAVAILABLE);
    assert.equal(error.outcomeUnknown, true);
    assert.match(error.message, /the connection was lost after the write was sent.*may have applied it\. Read the token again/);
    return true;
  };

  test('an update (one compare-and-set statement) applied by the server: STORE_UNAVAILABLE with outcomeUnknown', async () => {
    const { store, proxy } = await proxied();
    try {
      const token = completeToken();
      await store.saveToken(token);
      const changed = token.clone();
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
      await store.close();
      await proxy.close();
    }
  });

  test('a write lost before its COMMIT was sent: STORE_UNAVAILABLE without outcomeUnknown, and nothing written', async () => {
    const { store, proxy } = await proxied();
    try {
      const token = completeToken();
      proxy.holdReplies();
      const saving = store.saveToken(token);
      await eventually(async () => proxy.sentWhileHolding > 0, 'the transaction began');
      proxy.cut();
      await assert.rejects(saving, (error: unknown) => {
        assert.ok(error instanceof TokenStoreError, String(error));
        assert.equal(error.code, ErrorCode.STORE_UNAVAILABLE);
        assert.equal(error.outcomeUnknown, undefined);
        assert.doesNotMatch(error.message, /may have applied/);
        return true;
      });
      // The server rolls the transaction back when the connection ends.
      await eventually(
        async () =>
          (
            await admin.query(
              `SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'idle in transaction' AND query LIKE '%${schema}%'`,
            )
          ).rows[0].n === 0,
        'the server ended the session',
      );
      assert.equal(await row(String(token.userName)), undefined);
      assert.equal(
        await store.findToken(new OAuthToken({ userSignature: token.userName })),
        null,
        'the store works again, and has no such token',
      );
    } finally {
      await store.close();
      await proxy.close();
    }
  });
});
