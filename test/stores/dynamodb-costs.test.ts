// What each operation of the DynamoDBStore sends and what it costs in capacity units, measured on the server
// through a real client: the figures of docs/dynamodb-store.md. Lookups never scan; a refresh never takes the
// write lock; a save that changes nothing writes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OAuthToken } from 'zoho-token-store';
import { DynamoDBStore } from 'zoho-token-store/dynamodb';
import { completeToken, zohoLikeToken } from 'zoho-token-store/testing';
import { dynaliteOptions, startDynalite, uniqueTable, type RunningDynalite } from './_dynalite.js';
import { MeteredClient } from './_dynamodb-meter.js';

describe('DynamoDBStore: requests and capacity units per operation (typical token, under 1 KB)', () => {
  let dynamo: RunningDynalite;
  let meter: MeteredClient;
  let store: DynamoDBStore;
  let token: OAuthToken;
  const table = uniqueTable('costs');
  before(async () => {
    dynamo = await startDynalite();
    await (await DynamoDBStore.open(dynaliteOptions(dynamo.endpoint, table))).close();
    meter = new MeteredClient(dynamo.endpoint);
    store = await DynamoDBStore.open({ client: meter.client, table });
    token = completeToken();
  });
  after(async () => {
    await store.close();
    meter.client.destroy();
    await dynamo.stop();
  });

  test('a new token: its index items, then its item; no lock for a save keyed by user name', async () => {
    const cost = await meter.measure(() => store.saveToken(token));
    // The user name's index item (found empty), the counter, four index items, the token item.
    assert.deepEqual(cost.operations, ['GetItem', 'UpdateItem', 'PutItem', 'PutItem', 'PutItem', 'PutItem', 'PutItem']);
    assert.ok(!cost.requests.some((request) => request.pk?.startsWith('lock#')), 'no lock item was written');
    assert.equal(cost.units, 7);
  });

  test('lookups: by id 1 GetItem; by user name 2 GetItems, then 1 once this process knows the id; by a token value Query + GetItem', async () => {
    const fresh = await DynamoDBStore.open({ client: meter.client, table });
    try {
      const byId = await meter.measure(() => fresh.findTokenById(String(token.id)));
      assert.deepEqual([byId.operations, byId.units], [['GetItem'], 1]);
      const coldUser = await meter.measure(() => fresh.findToken(new OAuthToken({ userSignature: token.userName })));
      assert.deepEqual([coldUser.operations, coldUser.units], [['GetItem', 'GetItem'], 2]);
      const warmUser = await meter.measure(() => fresh.findToken(new OAuthToken({ userSignature: token.userName })));
      assert.deepEqual([warmUser.operations, warmUser.units], [['GetItem'], 1]);
      const byAccess = await meter.measure(() => fresh.findToken(new OAuthToken({ accessToken: token.accessToken })));
      assert.deepEqual([byAccess.operations, byAccess.units], [['Query', 'GetItem'], 2]);
      const byRefresh = await meter.measure(() =>
        fresh.findToken(new OAuthToken({ refreshToken: token.refreshToken, clientId: token.clientId, clientSecret: token.clientSecret })),
      );
      assert.deepEqual(byRefresh.operations, ['Query', 'GetItem']);
    } finally {
      await fresh.close();
    }
  });

  test('a save after a find that changes nothing: one GetItem of the version, nothing written', async () => {
    await store.findToken(new OAuthToken({ userSignature: token.userName }));
    const cost = await meter.measure(() =>
      store.saveToken(new OAuthToken({ userSignature: token.userName, accessToken: token.accessToken })),
    );
    assert.deepEqual([cost.operations, cost.units], [['GetItem'], 1]);
  });

  test('a refresh (new access token) after a find: the new index item, the token item on its version, the old index item; no lock', async () => {
    await store.findToken(new OAuthToken({ userSignature: token.userName }));
    const access = zohoLikeToken();
    const cost = await meter.measure(() =>
      store.saveToken(new OAuthToken({ userSignature: token.userName, accessToken: access, expiresAt: Date.now() + 3_600_000 })),
    );
    assert.deepEqual(cost.operations, ['PutItem', 'PutItem', 'DeleteItem']);
    assert.ok(!cost.requests.some((request) => request.pk?.startsWith('lock#')), 'no lock item was written');
    assert.equal(cost.units, 3);
    assert.equal((await store.findToken(new OAuthToken({ accessToken: access })))?.id, token.id);
    assert.equal(
      await store.findToken(new OAuthToken({ accessToken: token.accessToken })),
      null,
      'the old access token no longer finds it',
    );
  });

  test('the refresh lock: one conditional PutItem to take it, one conditional DeleteItem to release it', async () => {
    let lease: Awaited<ReturnType<DynamoDBStore['acquireRefreshLock']>> = null;
    const take = await meter.measure(
      async () => (lease = await store.acquireRefreshLock(String(token.id), { waitMs: 1_000, leaseMs: 5_000 })),
    );
    assert.deepEqual([take.operations, take.units], [['PutItem'], 1]);
    const release = await meter.measure(() => (lease as unknown as { release(): Promise<void> }).release());
    assert.deepEqual([release.operations, release.units], [['DeleteItem'], 1]);
  });

  test('getTokens: one Scan page of the table; deleteToken: the token item, then its index items', async () => {
    const list = await meter.measure(() => store.getTokens());
    assert.deepEqual(list.operations, ['Scan']);
    const removed = await meter.measure(() => store.deleteToken(String(token.id)));
    assert.deepEqual(removed.operations, ['DeleteItem', 'DeleteItem', 'DeleteItem', 'DeleteItem', 'DeleteItem']);
    assert.equal(removed.units, 5);
  });
});
