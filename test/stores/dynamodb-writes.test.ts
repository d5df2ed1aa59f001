// The DynamoDB store's write rules on a real dynalite: saves from two processes' worth of caches, index items left
// behind by an interrupted write, shared values, the write lock only for saves keyed by a token value, items
// written by something else, and the refresh lock's lease (extend, release by owner only).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ErrorCode, isTokenStoreError, OAuthToken } from 'zoho-token-store';
import { DynamoDBStore } from 'zoho-token-store/dynamodb';
import { completeToken, zohoLikeToken } from 'zoho-token-store/testing';
import { isBusy, type LockEngine } from '../../src/kernel/lock/lock-engine.js';
import { DynamoDBConnection } from '../../src/stores/dynamodb/dynamodb-connection.js';
import { indexKey } from '../../src/stores/dynamodb/dynamodb-keys.js';
import { LeaseItems } from '../../src/stores/dynamodb/dynamodb-lease.js';
import { DynamoDBLockEngine } from '../../src/stores/dynamodb/dynamodb-lock.js';
import { resolveDynamoDBOptions } from '../../src/stores/dynamodb/dynamodb-options.js';
import { DYNALITE_CREDENTIALS, DYNALITE_REGION, dynaliteOptions, startDynalite, uniqueTable, type RunningDynalite } from './_dynalite.js';

describe('DynamoDBStore writes on dynalite', () => {
  let dynamo: RunningDynalite;
  let raw: DynamoDBClient;
  const opened: DynamoDBStore[] = [];
  const open = async (table: string, extra: object = {}): Promise<DynamoDBStore> => {
    const store = await DynamoDBStore.open({ ...dynaliteOptions(dynamo.endpoint, table), ...extra });
    opened.push(store);
    return store;
  };
  before(async () => {
    dynamo = await startDynalite();
    raw = new DynamoDBClient({ endpoint: dynamo.endpoint, region: DYNALITE_REGION, credentials: { ...DYNALITE_CREDENTIALS } });
  });
  after(async () => {
    for (const store of opened) await store.close();
    raw.destroy();
    await dynamo.stop();
  });

  test('a save from a version another process has replaced is refused, read again and merged: no lost field, no stale index', async () => {
    const table = uniqueTable('cas');
    const [a, b] = [await open(table), await open(table)];
    const token = completeToken();
    await a.saveToken(token);
    await a.findToken(new OAuthToken({ userSignature: token.userName })); // a remembers this version
    const fromB = zohoLikeToken();
    await b.saveToken(new OAuthToken({ userSignature: token.userName, accessToken: fromB, apiDomain: 'https://www.zohoapis.eu' }));
    const fromA = zohoLikeToken();
    await a.saveToken(new OAuthToken({ userSignature: token.userName, accessToken: fromA }));
    const stored = await b.findTokenById(String(token.id));
    assert.equal(stored?.accessToken, fromA);
    assert.equal(stored?.apiDomain, 'https://www.zohoapis.eu', "b's change to another field is kept");
    assert.equal((await b.getTokens()).length, 1);
    assert.equal((await b.findToken(new OAuthToken({ accessToken: fromA })))?.id, token.id);
    assert.equal(await b.findToken(new OAuthToken({ accessToken: fromB })), null);
    assert.equal(await b.findToken(new OAuthToken({ accessToken: String(token.accessToken) })), null);
  });

  test('index items left behind by an interrupted write never return a token that does not hold the value', async () => {
    const table = uniqueTable('stale');
    const store = await open(table);
    const token = completeToken();
    await store.saveToken(token);
    const orphan = zohoLikeToken();
    // As if a write had put the index item of a new access token, then died before writing the token.
    await raw.send(
      new PutItemCommand({
        TableName: table,
        Item: { ...indexKey('accessToken', orphan, String(token.id)), w: { S: 'crashed' } } as never,
      }),
    );
    assert.equal(await store.findToken(new OAuthToken({ accessToken: orphan })), null);
    // A user name's item left naming a token that was deleted: a new token of that user takes it over.
    await raw.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: `t#${token.id}` }, sk: { S: '#' } } }));
    assert.equal(await store.findToken(new OAuthToken({ userSignature: token.userName })), null);
    const again = completeToken({ userSignature: String(token.userName) });
    await store.saveToken(again);
    assert.notEqual(again.id, token.id);
    assert.equal((await store.findToken(new OAuthToken({ userSignature: token.userName })))?.id, again.id);
    const userItem = await raw.send(
      new GetItemCommand({ TableName: table, Key: indexKey('userName', String(token.userName), '') as never, ConsistentRead: true }),
    );
    assert.equal(userItem.Item?.id?.S, again.id, "the name's item now names the new token");
  });

  test('a value several tokens share finds the lowest id; once that token lets it go, the next one', async () => {
    const store = await open(uniqueTable('shared'));
    const shared = zohoLikeToken();
    const one = completeToken({ accessToken: shared });
    const two = completeToken({ accessToken: shared });
    await store.saveToken(one);
    await store.saveToken(two);
    assert.equal((await store.findToken(new OAuthToken({ accessToken: shared })))?.id, one.id);
    await store.saveToken(new OAuthToken({ userSignature: one.userName, accessToken: zohoLikeToken() }));
    assert.equal((await store.findToken(new OAuthToken({ accessToken: shared })))?.id, two.id);
    await store.deleteToken(String(two.id));
    assert.equal(await store.findToken(new OAuthToken({ accessToken: shared })), null);
  });

  test('only saves keyed by a token value wait for the write lock; saves keyed by user name do not', async () => {
    const table = uniqueTable('lock');
    const store = await open(table, { writeLockWaitMs: 1_000 });
    // Another host holds the write lock, for long.
    await raw.send(
      new PutItemCommand({
        TableName: table,
        Item: { pk: { S: 'lock#write' }, sk: { S: '#' }, owner: { S: 'elsewhere' }, until: { N: String(Date.now() + 60_000) } },
      }),
    );
    const byUser = completeToken();
    await store.saveToken(byUser);
    assert.ok(await store.findToken(new OAuthToken({ userSignature: byUser.userName })));
    const started = Date.now();
    await assert.rejects(store.saveToken(new OAuthToken({ accessToken: zohoLikeToken() })), (error: unknown) => {
      assert.ok(isTokenStoreError(error));
      assert.equal(error.code, ErrorCode.STORE_UNAVAILABLE, error.message);
      return true;
    });
    assert.ok(Date.now() - started >= 900, 'it waited writeLockWaitMs');
    assert.equal((await store.getTokens()).length, 1, 'the refused save wrote nothing');
    await raw.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: 'lock#write' }, sk: { S: '#' } } }));
    await store.saveToken(new OAuthToken({ accessToken: zohoLikeToken() }));
    assert.equal((await store.getTokens()).length, 2);
  });

  test('a token item written by something else (no version) is saved by the locked path, which gives it one and its index items', async () => {
    const table = uniqueTable('foreign-item');
    const store = await open(table);
    const access = zohoLikeToken();
    await raw.send(
      new PutItemCommand({
        TableName: table,
        Item: { pk: { S: 't#77' }, sk: { S: '#' }, id: { S: '77' }, access_token: { S: access }, client_id: { S: 'c' } },
      }),
    );
    assert.equal((await store.findTokenById('77'))?.accessToken, access);
    await store.saveToken(new OAuthToken({ id: '77', userSignature: 'imported@example.com', accessToken: access }));
    const item = await raw.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 't#77' }, sk: { S: '#' } }, ConsistentRead: true }));
    assert.ok(item.Item?.v?.S, 'the item has a version now');
    assert.equal((await store.findToken(new OAuthToken({ accessToken: access })))?.id, '77');
    assert.equal((await store.findToken(new OAuthToken({ userSignature: 'imported@example.com' })))?.id, '77');
  });

  test('new ids come from the counter, and a token saved with its own decimal id moves the counter past it', async () => {
    const store = await open(uniqueTable('ids'));
    const first = completeToken();
    await store.saveToken(first);
    assert.equal(first.id, '1');
    const explicit = completeToken();
    explicit.id = '500';
    await store.saveToken(explicit);
    const next = completeToken();
    await store.saveToken(next);
    assert.equal(next.id, '501');
    await store.deleteTokens();
    const afterDelete = completeToken();
    await store.saveToken(afterDelete);
    assert.equal(afterDelete.id, '502', 'ids are not reused after deleteTokens');
  });

  test('the refresh lock lease: extend keeps it past its first lease; a holder that lost it can neither extend nor release it', async () => {
    const table = uniqueTable('lease');
    await (await open(table)).close();
    const connection = new DynamoDBConnection(resolveDynamoDBOptions(dynaliteOptions(dynamo.endpoint, table)));
    const engine: LockEngine = new DynamoDBLockEngine(new LeaseItems(connection), table);
    const signal = new AbortController().signal;
    try {
      const held = await engine.tryLock('lock#refresh#1', 1_500, { waitMs: 0, signal });
      assert.ok(!isBusy(held));
      assert.ok(isBusy(await engine.tryLock('lock#refresh#1', 400, { waitMs: 0, signal })));
      assert.equal(await held.extend?.(6_000), true);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      assert.ok(isBusy(await engine.tryLock('lock#refresh#1', 400, { waitMs: 0, signal })), 'the extended lease still holds');
      await held.release();
      const next = await engine.tryLock('lock#refresh#1', 1_000, { waitMs: 0, signal });
      assert.ok(!isBusy(next), 'released: the next caller takes it');
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const successor = await engine.tryLock('lock#refresh#1', 5_000, { waitMs: 0, signal });
      assert.ok(!isBusy(successor), 'an ended lease goes to the next caller');
      assert.equal(await next.extend?.(5_000), false, 'a holder whose lease ran out cannot extend it');
      await next.release();
      assert.ok(
        isBusy(await engine.tryLock('lock#refresh#1', 400, { waitMs: 0, signal })),
        "its release did not free the successor's lock",
      );
      await successor.release();
    } finally {
      connection.close();
    }
  });

  test("a release wakes this host's waiters on the same table through its signal file, and only theirs", async () => {
    const table = uniqueTable('wake');
    await (await open(table)).close();
    const options = resolveDynamoDBOptions(dynaliteOptions(dynamo.endpoint, table));
    const [first, second] = [new DynamoDBConnection(options), new DynamoDBConnection(options)];
    const holder = new DynamoDBLockEngine(new LeaseItems(first), table);
    const waiter = new DynamoDBLockEngine(new LeaseItems(second), table);
    const elsewhere = new DynamoDBLockEngine(new LeaseItems(second), `${table}-another-place`);
    const signal = new AbortController().signal;
    try {
      assert.equal(waiter.wake.reach, 'host', 'waiters on other hosts are not woken: the kernel keeps polling for them');
      const held = await holder.tryLock('lock#refresh#7', 60_000);
      assert.ok(!isBusy(held));
      const [watch, unrelated] = [await waiter.wake.watch('lock#refresh#7'), await elsewhere.wake.watch('lock#refresh#7')];
      assert.ok(watch && unrelated, 'the signal folder can be watched');
      // Bounds far beyond the release: only the signal can end the first wait early.
      const woken = watch.wait(30_000, signal);
      await held.release();
      assert.equal(await woken, 'woken');
      assert.equal(await unrelated.wait(1_500, signal), 'timeout', 'another table (or place) is not woken');
      watch.close();
      unrelated.close();
      assert.ok(!isBusy(await waiter.tryLock('lock#refresh#7', 1_000)), 'the woken waiter takes the lock');
    } finally {
      await Promise.all([holder.wake.close(), waiter.wake.close(), elsewhere.wake.close()]);
      first.close();
      second.close();
    }
  });
});
