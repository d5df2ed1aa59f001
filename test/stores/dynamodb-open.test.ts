// DynamoDBStore.open refuses bad options, locations and tables with the documented codes, before anything is
// created; an unreachable endpoint, missing credentials and a missing driver fail at open, typed, and the failed
// opens leave nothing behind (their process ends by itself). A client passed in is used and never destroyed.
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  CreateTableCommand,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { ErrorCode, isTokenStoreError, OAuthToken, openStore } from 'zoho-token-store';
import { DynamoDBStore } from 'zoho-token-store/dynamodb';
import { completeToken } from 'zoho-token-store/testing';
import { classifyDynamoDBError } from '../../src/stores/dynamodb/dynamodb-errors.js';
import { runNode } from '../_processes.js';
import { TcpProxy } from '../_tcp-proxy.js';
import { DYNALITE_CREDENTIALS, DYNALITE_REGION, dynaliteOptions, startDynalite, uniqueTable, type RunningDynalite } from './_dynalite.js';

interface Outcome {
  readonly name: string;
  readonly code: string;
  readonly message: string;
}

async function attempts(group: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Outcome[]> {
  const result = await runNode('dist/test/stores/_dynamodb-open-attempts.js', [group, ...args], env);
  assert.equal(result.code, 0, result.stderr);
  assert.doesNotMatch(result.stdout + result.stderr, /hunter2/);
  return result.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Outcome);
}

const rejectsWith =
  (code: string, pattern?: RegExp) =>
  (error: unknown): boolean => {
    assert.ok(isTokenStoreError(error), String(error));
    assert.equal(error.code, code, error.message);
    if (pattern) assert.match(error.message, pattern);
    assert.doesNotMatch(error.message, /hunter2/);
    return true;
  };
const invalid = rejectsWith(ErrorCode.INVALID_CONFIG);

describe('DynamoDBStore.open: bad options and locations are INVALID_CONFIG, before anything is opened', () => {
  const endpoint = 'http://127.0.0.1:9';
  test('options', async () => {
    await assert.rejects(DynamoDBStore.open({ table: 'ab' }), invalid);
    await assert.rejects(DynamoDBStore.open({ table: 'has space' }), invalid);
    await assert.rejects(DynamoDBStore.open({ region: 'Europe' }), invalid);
    await assert.rejects(DynamoDBStore.open({ endpoint: 'ftp://127.0.0.1' }), invalid);
    await assert.rejects(DynamoDBStore.open({ endpoint: 'http://AKID:hunter2@127.0.0.1:8000' }), invalid);
    await assert.rejects(DynamoDBStore.open({ credentials: { accessKeyId: 'AKID' } as never }), invalid);
    await assert.rejects(DynamoDBStore.open({ client: { send: async () => ({}) }, region: 'eu-west-1' }), invalid);
    await assert.rejects(DynamoDBStore.open({ client: {} as never }), invalid);
    await assert.rejects(DynamoDBStore.open({ createTable: 'yes' as never }), invalid);
    await assert.rejects(DynamoDBStore.open({ requestTimeoutMs: 0 }), invalid);
    await assert.rejects(DynamoDBStore.open({ writeLockLeaseMs: 1.5 }), invalid);
    await assert.rejects(DynamoDBStore.open({ region: 'eu-west-1', clientConfig: { region: 'eu-west-2' } }), invalid);
    await assert.rejects(DynamoDBStore.open({ tabel: 'zoho' } as never), invalid);
  });

  test('locations: the table in the host position, credentials never in the URL', async () => {
    await assert.rejects(openStore('dynamodb://AKID:hunter2@zoho-tokens?region=eu-west-1'), invalid);
    await assert.rejects(openStore('dynamodb://zoho-tokens:8000?region=eu-west-1'), invalid);
    await assert.rejects(openStore('dynamodb://zoho-tokens/path?region=eu-west-1'), invalid);
    await assert.rejects(openStore('dynamodb://zoho-tokens?region=eu-west-1&secret=hunter2'), invalid);
    await assert.rejects(openStore(`dynamodb://zoho-tokens?endpoint=${endpoint}&createTable=maybe`), invalid);
    await assert.rejects(openStore('dynamodb://zoho-tokens?region=eu-west-1', { table: 'other-table' }), invalid);
  });
});

describe('DynamoDBStore.open against a dynalite: tables it refuses, tables it makes', () => {
  let dynamo: RunningDynalite;
  let raw: DynamoDBClient;
  before(async () => {
    dynamo = await startDynalite();
    raw = new DynamoDBClient({ endpoint: dynamo.endpoint, region: DYNALITE_REGION, credentials: { ...DYNALITE_CREDENTIALS } });
  });
  after(async () => {
    raw.destroy();
    await dynamo.stop();
  });

  test('a missing table: INVALID_CONFIG naming it when createTable is false; created (on-demand) when true', async () => {
    const table = uniqueTable('missing');
    await assert.rejects(
      DynamoDBStore.open({ ...dynaliteOptions(dynamo.endpoint, table), createTable: false }),
      rejectsWith(ErrorCode.INVALID_CONFIG, new RegExp(table)),
    );
    const store = await DynamoDBStore.open(dynaliteOptions(dynamo.endpoint, table));
    await store.close();
    const reopened = await DynamoDBStore.open({ ...dynaliteOptions(dynamo.endpoint, table), createTable: false });
    await reopened.close();
  });

  test('a table with another key schema, or holding other items: INVALID_CONFIG, and nothing is written to it', async () => {
    const foreign = uniqueTable('foreign');
    await raw.send(
      new CreateTableCommand({
        TableName: foreign,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
    await assert.rejects(
      DynamoDBStore.open(dynaliteOptions(dynamo.endpoint, foreign)),
      rejectsWith(ErrorCode.INVALID_CONFIG, /key schema/),
    );

    const shared = uniqueTable('shared');
    await raw.send(
      new CreateTableCommand({
        TableName: shared,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
    await raw.send(new PutItemCommand({ TableName: shared, Item: { pk: { S: 'ORDER#1' }, sk: { S: 'ITEM#1' } } }));
    await assert.rejects(
      DynamoDBStore.open(dynaliteOptions(dynamo.endpoint, shared)),
      rejectsWith(ErrorCode.INVALID_CONFIG, /another program/),
    );
    const items = await raw.send(new ScanCommand({ TableName: shared }));
    assert.deepEqual(items.Items, [{ pk: { S: 'ORDER#1' }, sk: { S: 'ITEM#1' } }], 'the store wrote nothing into the foreign table');
  });

  test('a table marked with a newer layout: STORE_CORRUPT', async () => {
    const table = uniqueTable('newer');
    await (await DynamoDBStore.open(dynaliteOptions(dynamo.endpoint, table))).close();
    await raw.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'meta' }, sk: { S: '#' }, format: { N: '2' } } }));
    await assert.rejects(DynamoDBStore.open(dynaliteOptions(dynamo.endpoint, table)), rejectsWith(ErrorCode.STORE_CORRUPT, /layout 2/));
  });

  test('openStore: the table from the host position (case kept), region and endpoint from the query', async () => {
    const table = `Zts_Location.${uniqueTable('loc')}`;
    const location = `dynamodb://${table}?region=${DYNALITE_REGION}&endpoint=${encodeURIComponent(dynamo.endpoint)}`;
    const store = await openStore(location, { credentials: DYNALITE_CREDENTIALS });
    try {
      assert.ok(store instanceof DynamoDBStore);
      const token = completeToken();
      await store.saveToken(token);
      assert.equal((await store.findTokenById(String(token.id)))?.userName, token.userName);
    } finally {
      await store.close();
    }
    const items = await raw.send(new ScanCommand({ TableName: table }));
    assert.ok((items.Items ?? []).length > 0, 'the store wrote into the table the location names');
  });

  test('a client passed in is used, and never destroyed by close()', async () => {
    const table = uniqueTable('client');
    const opened = await DynamoDBStore.open(dynaliteOptions(dynamo.endpoint, table));
    await opened.close();
    const store = await DynamoDBStore.open({ client: raw, table });
    const token = completeToken();
    await store.saveToken(token);
    await store.close();
    const items = await raw.send(new ScanCommand({ TableName: table }));
    assert.ok(
      (items.Items ?? []).some((item) => item.pk?.S === `t#${token.id}`),
      'the passed client still works after close()',
    );
    const again = await DynamoDBStore.open({ client: raw, table });
    assert.equal((await again.findToken(new OAuthToken({ userSignature: token.userName })))?.id, token.id);
    await again.close();
  });
});

describe('DynamoDBStore.open fails at once, typed, when it cannot use DynamoDB', () => {
  const closed = new TcpProxy('127.0.0.1', 9);
  const sockets = new Set<Socket>();
  let silent: Server;
  before(async () => {
    await closed.start();
    await closed.cut();
    silent = createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  test('a refused connection: STORE_UNAVAILABLE', { timeout: 120_000 }, async () => {
    const outcomes = await attempts('unreachable', [`http://127.0.0.1:${closed.port}`]);
    assert.equal(outcomes.length, 2);
    for (const outcome of outcomes) assert.equal(outcome.code, ErrorCode.STORE_UNAVAILABLE, `${outcome.name}: ${outcome.message}`);
  });

  test('an endpoint that never answers: STORE_UNAVAILABLE once requestTimeoutMs passed on every attempt', {
    timeout: 120_000,
  }, async () => {
    const started = Date.now();
    const outcomes = await attempts('silent', [`http://127.0.0.1:${(silent.address() as { port: number }).port}`]);
    assert.deepEqual(
      outcomes.map((outcome) => outcome.code),
      [ErrorCode.STORE_UNAVAILABLE],
      outcomes[0]?.message,
    );
    assert.ok(Date.now() - started < 60_000);
  });

  test('no credentials anywhere the AWS SDK looks: STORE_ACCESS_DENIED', { timeout: 120_000 }, async () => {
    const outcomes = await attempts('no-credentials', [`http://127.0.0.1:${closed.port}`], {
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_SESSION_TOKEN: '',
      AWS_PROFILE: '',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/zts-credentials',
      AWS_CONFIG_FILE: '/nonexistent/zts-config',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    assert.deepEqual(
      outcomes.map((outcome) => outcome.code),
      [ErrorCode.STORE_ACCESS_DENIED],
      outcomes[0]?.message,
    );
  });

  test('without @aws-sdk/client-dynamodb installed: DRIVER_MISSING naming it', { timeout: 120_000 }, async () => {
    const outcomes = await attempts('drivers', [`http://127.0.0.1:${closed.port}`], {
      NODE_OPTIONS: `--import=${new URL('../_block-packages.js', import.meta.url).href}`,
      ZTS_BLOCKED_PACKAGES: '@aws-sdk/client-dynamodb',
    });
    assert.equal(outcomes.length, 2);
    for (const outcome of outcomes) {
      assert.equal(outcome.code, ErrorCode.DRIVER_MISSING, `${outcome.name}: ${outcome.message}`);
      assert.match(outcome.message, /npm install @aws-sdk\/client-dynamodb/);
    }
  });
});

test('DynamoDB throttling is STORE_UNAVAILABLE and keeps no payload; a failed condition stays internal', () => {
  const throttled = new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
  Object.assign(throttled, { $response: { body: 'access_token=secret-value' } });
  const classified = classifyDynamoDBError(throttled, 'save a token', 'zoho-tokens');
  assert.ok(isTokenStoreError(classified));
  assert.equal(classified.code, ErrorCode.STORE_UNAVAILABLE);
  assert.equal('$response' in (classified.cause as object), false, 'the raw response is dropped from the cause');
  const condition = Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });
  assert.equal(classifyDynamoDBError(condition, 'save a token', 'zoho-tokens'), condition);
});
