import { after, describe, test } from 'node:test';
import { DynamoDBStore } from 'zoho-token-store/dynamodb';
import { testTokenStore } from 'zoho-token-store/testing';
import { dynaliteOptions, sharedDynalite, stopSharedDynalite, uniqueTable } from './_dynalite.js';

describe('DynamoDBStore on dynalite: the conformance kit', () => {
  after(stopSharedDynalite);

  testTokenStore(test, async () => DynamoDBStore.open(dynaliteOptions((await sharedDynalite()).endpoint, uniqueTable('kit'))), {
    scale: 1_000,
    capabilities: { refreshLock: true, close: true },
    dispose: (store) => store.close(),
  });
});
