// A server store's write cut after the server received it may be committed while the caller gets STORE_UNAVAILABLE:
// the store says so (`outcomeUnknown: true`) when the statement, COMMIT or script had been sent, and only then. The cut
// is real: a proxy forwards the write to the real server but holds back its answer, until the witness sees the row
// (or, for a write cut early, sees nothing), then drops the connection. The same cases on PostgreSQL, MySQL, Redis.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ErrorCode, OAuthToken, TokenStoreError, type TokenStore } from 'zoho-token-store';
import { MySQLStore } from 'zoho-token-store/mysql';
import { PostgresStore } from 'zoho-token-store/postgres';
import { RedisStore } from 'zoho-token-store/redis';
import { completeToken } from 'zoho-token-store/testing';
import { ReplyHoldingProxy, eventually } from '../_reply-holding-proxy.js';
import { skipUnless, type ServiceName } from '../_services.js';
import { MARIADB, admin, dropDatabase, uniqueDatabaseName } from './_mysql-databases.js';
import { PG_CONNECTION, adminPool, dropSchema, uniqueName } from './_postgres.js';
import { REDIS_URL, adminClient, dropPrefix, randomPrefix } from './_redis-support.js';

type ClosableStore = TokenStore & { close(): Promise<void> };

interface ServerEngine {
  readonly name: string;
  readonly service: ServiceName;
  readonly server: { readonly host: string; readonly port: number };
  /** Creates the store's schema or database (a store opened directly), returns what drops it. */
  prepare(): Promise<() => Promise<void>>;
  /** A store reaching the server through a proxy on `port`. */
  open(port: number): Promise<ClosableStore>;
  /** The stored access token of `user`, read by the test's own connection; undefined when no row. */
  accessTokenOf(user: string): Promise<string | undefined>;
  /**
   * Where the proxy starts holding the server's answers so that the write itself, and not a read before it, is the
   * cut one: `'now'`, after `'COMMIT'`, or after the token's access token (which a Redis script carries as an
   * argument, and no read before it does).
   */
  readonly cuts: { readonly update: Cut; readonly insert: Cut; readonly delete: Cut };
}

type Cut = 'now' | 'COMMIT' | 'access token';

function holdAt(proxy: ReplyHoldingProxy, cut: Cut, token: OAuthToken): void {
  if (cut === 'now') proxy.holdReplies();
  else proxy.holdRepliesAfter(cut === 'COMMIT' ? 'COMMIT' : String(token.accessToken));
}

const pgSchema = uniqueName('unknown');
const pgAdmin = adminPool();
const mysqlDatabase = uniqueDatabaseName('unknown');
const redisPrefix = randomPrefix('unknown');

const ENGINES: readonly ServerEngine[] = [
  {
    name: 'PostgresStore',
    service: 'postgres',
    server: PG_CONNECTION,
    async prepare() {
      await (await PostgresStore.open({ connection: PG_CONNECTION, schema: pgSchema })).close();
      return () => dropSchema(pgAdmin, pgSchema).finally(() => pgAdmin.end());
    },
    open: (port) => PostgresStore.open({ url: `postgres://postgres@127.0.0.1:${port}/test`, schema: pgSchema }),
    async accessTokenOf(user) {
      const { rows } = await pgAdmin.query(`SELECT access_token FROM "${pgSchema}".oauthtoken WHERE user_name = $1`, [user]);
      return (rows[0] as { access_token: string } | undefined)?.access_token;
    },
    // A delete is a transaction ending in COMMIT.
    cuts: { update: 'now', insert: 'COMMIT', delete: 'COMMIT' },
  },
  {
    name: 'MySQLStore',
    service: 'mariadb',
    server: MARIADB,
    async prepare() {
      await (await MySQLStore.open({ ...MARIADB, database: mysqlDatabase, createDatabase: true })).close();
      return () => dropDatabase(mysqlDatabase);
    },
    open: (port) => MySQLStore.open({ ...MARIADB, port, database: mysqlDatabase }),
    async accessTokenOf(user) {
      const rows = await admin<Array<{ access_token: string }>>(
        `SELECT access_token FROM \`${mysqlDatabase}\`.oauthtoken WHERE user_name = ?`,
        [user],
      );
      return rows[0]?.access_token;
    },
    // A delete is one statement, committed by itself.
    cuts: { update: 'now', insert: 'COMMIT', delete: 'now' },
  },
  {
    name: 'RedisStore',
    service: 'redis',
    server: { host: '127.0.0.1', port: Number(new URL(REDIS_URL).port || 6379) },
    async prepare() {
      return async () => {
        const client = adminClient();
        await dropPrefix(client, redisPrefix);
        await client.quit();
      };
    },
    open: async (port) => new RedisStore({ url: `redis://127.0.0.1:${port}`, keyPrefix: redisPrefix }),
    async accessTokenOf(user) {
      const direct = new RedisStore({ url: REDIS_URL, keyPrefix: redisPrefix });
      try {
        return (await direct.findToken(new OAuthToken({ userSignature: user })))?.accessToken ?? undefined;
      } finally {
        await direct.close();
      }
    },
    // Every write is one script; reads before it (a lookup, a version check) carry no access token.
    cuts: { update: 'access token', insert: 'access token', delete: 'access token' },
  },
];

const unknownOutcome = (error: unknown): boolean => {
  assert.ok(error instanceof TokenStoreError, String(error));
  assert.equal(error.code, ErrorCode.STORE_UNAVAILABLE);
  assert.equal(error.outcomeUnknown, true);
  assert.match(error.message, /was lost after the write was sent.*may have applied it\. Read the token again/);
  assert.doesNotMatch(error.message, /1000\.|secret/, 'no token value in the message');
  return true;
};

const knownNotApplied = (error: unknown): boolean => {
  assert.ok(error instanceof TokenStoreError, String(error));
  assert.equal(error.code, ErrorCode.STORE_UNAVAILABLE);
  assert.equal(error.outcomeUnknown, undefined);
  assert.doesNotMatch(error.message, /may have applied/);
  return true;
};

for (const engine of ENGINES) {
  describe(`${engine.name}: a write whose connection is lost after the server got it`, { skip: await skipUnless(engine.service) }, () => {
    let drop: () => Promise<void> = async () => undefined;
    before(async () => {
      drop = await engine.prepare();
    });
    after(() => drop());

    /** Runs `cut` on a store behind its own proxy; the proxy lets go before the store closes (a held answer would keep it open). */
    async function proxied(cut: (store: ClosableStore, proxy: ReplyHoldingProxy) => Promise<void>): Promise<void> {
      const proxy = new ReplyHoldingProxy(engine.server);
      const store = await engine.open(await proxy.start());
      try {
        await cut(store, proxy);
      } finally {
        proxy.cut();
        await store.close();
        await proxy.close();
      }
    }

    test('an update (one compare-and-set statement) applied by the server: STORE_UNAVAILABLE with outcomeUnknown', () =>
      proxied(async (store, proxy) => {
        const token = completeToken();
        await store.saveToken(token);
        // Updates first without a cut, so the pooled connection the next one uses has its statement prepared.
        const changed = token.clone();
        for (let i = 0; i < 3; i += 1) {
          changed.accessToken = `${token.accessToken}.warm${i}`;
          await store.saveToken(changed);
        }
        changed.accessToken = `${token.accessToken}.new`;
        holdAt(proxy, engine.cuts.update, changed);
        const saving = store.saveToken(changed);
        await eventually(
          async () => (await engine.accessTokenOf(String(token.userName))) === changed.accessToken,
          'the server applied the update',
        );
        proxy.cut();
        await assert.rejects(saving, unknownOutcome);
      }));

    test('a new token (a locked write) whose COMMIT was sent and applied: STORE_UNAVAILABLE with outcomeUnknown', () =>
      proxied(async (store, proxy) => {
        const token = completeToken();
        holdAt(proxy, engine.cuts.insert, token);
        const saving = store.saveToken(token);
        await eventually(async () => (await engine.accessTokenOf(String(token.userName))) !== undefined, 'the server committed the insert');
        proxy.cut();
        await assert.rejects(saving, unknownOutcome);
      }));

    test('a write lost before its COMMIT was sent: STORE_UNAVAILABLE without outcomeUnknown, and nothing written', () =>
      proxied(async (store, proxy) => {
        const token = completeToken();
        await store.findToken(new OAuthToken({ userSignature: 'warm-up@example.com' })); // the pool is open
        proxy.holdReplies();
        const saving = store.saveToken(token);
        await eventually(async () => proxy.sentWhileHolding > 0, 'the write began');
        proxy.cut();
        await assert.rejects(saving, knownNotApplied);
        // The server rolls the transaction back when the connection ends.
        await eventually(async () => {
          const found = await store.findToken(new OAuthToken({ userSignature: token.userName })).catch(() => undefined);
          return found !== undefined;
        }, 'the store works again');
        assert.equal(await engine.accessTokenOf(String(token.userName)), undefined);
        assert.equal(await store.findToken(new OAuthToken({ userSignature: token.userName })), null, 'the store has no such token');
      }));

    test('a delete applied by the server: STORE_UNAVAILABLE with outcomeUnknown', () =>
      proxied(async (store, proxy) => {
        const token = completeToken();
        await store.saveToken(token);
        // The pool hands out the connection released last: this one has the delete prepared.
        await store.deleteToken('999999999');
        holdAt(proxy, engine.cuts.delete, token);
        const deleting = store.deleteToken(String(token.id));
        await eventually(async () => (await engine.accessTokenOf(String(token.userName))) === undefined, 'the server applied the delete');
        proxy.cut();
        await assert.rejects(deleting, unknownOutcome);
      }));
  });
}
