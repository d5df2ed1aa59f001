import { createHash } from 'node:crypto';
import {
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { OAuthToken } from 'zoho-token-store';
import { DynamoDBStore } from 'zoho-token-store/dynamodb';
import { completeToken, zohoLikeToken } from 'zoho-token-store/testing';
import { startDynalite } from './dynalite.js';
import { measure, printComparisons, type ComparisonRow, type Measurement } from './harness.js';

const SIZE = 1_000;
const TABLE = 'zts-bench';
const RAW = 'zts-bench-raw';
const CREDENTIALS = { accessKeyId: 'dynalite', secretAccessKey: 'dynalite' };

const medianOf = (runs: readonly Measurement[]): Measurement => {
  const sorted = [...runs].sort((a, b) => a.medianNs - b.medianNs);
  const middle = sorted[Math.floor(sorted.length / 2)] as Measurement;
  return { ...middle, operations: runs.reduce((sum, run) => sum + run.operations, 0) };
};

const digest = (value: string): string => createHash('sha256').update(value).digest('base64url');

/**
 * DynamoDBStore's findToken and saveToken (1,000 tokens) beside what the same AWS SDK client does in one request
 * on the same dynalite in the same run: a strongly consistent GetItem of one item for a lookup, an UpdateItem of one
 * attribute for a save; and beside the same work done by hand (a lookup through an index item: Query then
 * GetItem; a refresh that keeps an index item: PutItem, UpdateItem, DeleteItem).
 */
export async function benchDynamoDBStore(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const server = await startDynalite();
  // One client for both sides, configured as the store configures its own: the ratio is the store's own work.
  const raw = new DynamoDBClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: CREDENTIALS,
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 5_000, throwOnRequestTimeout: true },
  });
  const store = await DynamoDBStore.open({ client: raw, table: TABLE, createTable: true });
  try {
    await raw.send(
      new CreateTableCommand({
        TableName: RAW,
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
    const tokens = Array.from({ length: SIZE }, () => completeToken());
    for (let i = 0; i < SIZE; i += 25) await Promise.all(tokens.slice(i, i + 25).map((token) => store.saveToken(token)));
    // The raw side gets the same data: one item per token, and an index item per access token.
    const rawAccess = tokens.map((token) => String(token.accessToken));
    const itemOf = (token: OAuthToken, i: number): Record<string, AttributeValue> => ({
      pk: { S: `t#${i}` },
      sk: { S: '#' },
      user_name: { S: String(token.userName) },
      client_id: { S: String(token.clientId) },
      client_secret: { S: String(token.clientSecret) },
      refresh_token: { S: String(token.refreshToken) },
      access_token: { S: String(token.accessToken) },
      grant_token: { S: String(token.grantToken) },
      expiry_time: { S: String(token.expiresAt) },
      redirect_url: { S: String(token.redirectUrl) },
      api_domain: { S: String(token.apiDomain) },
    });
    for (let i = 0; i < SIZE; i += 1) {
      const token = tokens[i] as OAuthToken;
      await raw.send(new PutItemCommand({ TableName: RAW, Item: itemOf(token, i) }));
      await raw.send(
        new PutItemCommand({ TableName: RAW, Item: { pk: { S: `a#${digest(rawAccess[i] as string)}` }, sk: { S: String(i) } } }),
      );
    }
    const pick = <T>(list: readonly T[], i: number): T => list[i % SIZE] as T;
    const byUser = tokens.map((token) => new OAuthToken({ userSignature: token.userName }));
    const byAccess = tokens.map((token) => new OAuthToken({ accessToken: token.accessToken }));
    const updates = tokens.map((token) => new OAuthToken({ userSignature: token.userName, accessToken: token.accessToken }));
    for (const query of byUser) await store.findToken(query); // this process knows each user's id, as after the first API call

    type Op = (i: number) => unknown;
    const rows: ComparisonRow[] = [];
    const compare = async (what: string, anchorLabel: string, anchorOp: Op, subjectLabel: string, subjectOp: Op, maxRatio?: number) => {
      const anchors: Measurement[] = [];
      const subjects: Measurement[] = [];
      for (let round = 0; round < 5; round += 1) {
        anchors.push(await measure(anchorLabel, anchorOp, { batches: 7 }));
        subjects.push(await measure(subjectLabel, subjectOp, { batches: 7 }));
      }
      rows.push({ what, subject: medianOf(subjects), anchor: medianOf(anchors), goal: maxRatio === undefined ? undefined : { maxRatio } });
    };
    const key = (i: number) => ({ pk: { S: `t#${i % SIZE}` }, sk: { S: '#' } });
    const getItem: Op = (i) => raw.send(new GetItemCommand({ TableName: RAW, Key: key(i), ConsistentRead: true }));
    const queryThenGet: Op = async (i) => {
      const found = await raw.send(
        new QueryCommand({
          TableName: RAW,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: `a#${digest(rawAccess[i % SIZE] as string)}` } },
          ConsistentRead: true,
        }),
      );
      return raw.send(new GetItemCommand({ TableName: RAW, Key: key(Number(found.Items?.[0]?.sk?.S)), ConsistentRead: true }));
    };
    const updateItem: Op = (i) =>
      raw.send(
        new UpdateItemCommand({
          TableName: RAW,
          Key: key(i),
          UpdateExpression: 'SET access_token = :a',
          ExpressionAttributeValues: { ':a': { S: rawAccess[i % SIZE] as string } },
        }),
      );
    // A refresh: a new access token on every call (both sides make one the same way).
    const refreshed: Op = (i) => store.saveToken(new OAuthToken({ userSignature: pick(tokens, i).userName, accessToken: zohoLikeToken() }));
    // A refresh by hand that keeps the same index: the new index item, the item (on its version), the old index item.
    const indexedRefresh: Op = async (i) => {
      const at = i % SIZE;
      const next = zohoLikeToken();
      const before = rawAccess[at] as string;
      rawAccess[at] = next;
      await raw.send(new PutItemCommand({ TableName: RAW, Item: { pk: { S: `a#${digest(next)}` }, sk: { S: String(at) } } }));
      await raw.send(
        new UpdateItemCommand({
          TableName: RAW,
          Key: key(at),
          UpdateExpression: 'SET access_token = :a',
          ConditionExpression: 'access_token = :b',
          ExpressionAttributeValues: { ':a': { S: next }, ':b': { S: before } },
        }),
      );
      await raw.send(new DeleteItemCommand({ TableName: RAW, Key: { pk: { S: `a#${digest(before)}` }, sk: { S: String(at) } } }));
    };

    await compare('find by id', 'GetItem', getItem, 'findTokenById', (i) => store.findTokenById(String(pick(tokens, i).id)), 1.3);
    await compare('find by user name', 'GetItem', getItem, 'findToken', (i) => store.findToken(pick(byUser, i)), 1.3);
    await compare('find by access token', 'GetItem', getItem, 'findToken', (i) => store.findToken(pick(byAccess, i)), 1.3);
    await compare('find by access token', 'Query+GetItem', queryThenGet, 'findToken', (i) => store.findToken(pick(byAccess, i)));
    await compare(
      'save (update by user name, nothing changed)',
      'UpdateItem',
      updateItem,
      'saveToken',
      (i) => store.saveToken(pick(updates, i)),
      1.3,
    );
    await compare('save (new access token)', 'UpdateItem', updateItem, 'saveToken', refreshed, 1.3);
    await compare('save (new access token)', 'PutItem+UpdateItem+DeleteItem', indexedRefresh, 'saveToken', refreshed);
    await compare('drift check (same op twice)', 'GetItem', getItem, 'GetItem', getItem);
    printComparisons(`DynamoDBStore (${SIZE} tokens) vs the raw AWS SDK client on the same dynalite (median per call)`, rows);
  } finally {
    await store.close();
    raw.destroy();
    server.stop();
  }
}
