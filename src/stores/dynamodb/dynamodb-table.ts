import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import { sleep } from '../../time/sleep.js';
import type { DynamoDBConnection } from './dynamodb-connection.js';
import type { DynamoItem } from './dynamodb-driver.js';
import { isConditionFailed } from './dynamodb-errors.js';
import { META_KEY, PK, SK } from './dynamodb-keys.js';

/** The table layout this version of the store writes (the meta item's `format`). */
const FORMAT = 1;
// How long open waits for a table being created (by the store or another process) to become ACTIVE.
const ACTIVE_WAIT_MS = 120_000;
const ACTIVE_POLL_MS = 250;
// The partition keys of items the store writes (docs/dynamodb-store.md): anything else is another program's.
const OWN_ITEM = /^(meta|seq|lock#.*|[tuagr]#.*)$/s;

interface TableDescription {
  readonly TableStatus?: string;
  readonly KeySchema?: ReadonlyArray<{ readonly AttributeName?: string; readonly KeyType?: string }>;
  readonly AttributeDefinitions?: ReadonlyArray<{ readonly AttributeName?: string; readonly AttributeType?: string }>;
}

/** The CreateTable request of the store's table: what docs/dynamodb-store.md asks infrastructure code to create. */
export const TABLE_DEFINITION = Object.freeze({
  AttributeDefinitions: [
    { AttributeName: PK, AttributeType: 'S' },
    { AttributeName: SK, AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: PK, KeyType: 'HASH' },
    { AttributeName: SK, KeyType: 'RANGE' },
  ],
  BillingMode: 'PAY_PER_REQUEST',
});

const invalid = (message: string): TokenStoreError => new TokenStoreError(ErrorCode.INVALID_CONFIG, message);

const isNotFound = (error: unknown): boolean =>
  error instanceof TokenStoreError && (error.cause as { name?: unknown } | undefined)?.name === 'ResourceNotFoundException';

/**
 * Makes the table ready before the store serves: creates it when it is missing and `create` allows (and waits
 * until it is ACTIVE), refuses a table whose key schema is not the store's, and marks the table as the store's with
 * a meta item, refusing one that already holds other programs' items (deleteTokens would otherwise touch them).
 */
export async function prepareTable(connection: DynamoDBConnection, create: boolean): Promise<void> {
  let table = await describe(connection);
  if (table === null) {
    if (!create) {
      throw invalid(
        `The DynamoDB table "${connection.table}" does not exist. Create it (docs/dynamodb-store.md has its definition), or let the store create it: createTable: true (?createTable=true in a location).`,
      );
    }
    try {
      await connection.send('CreateTable', { ...TABLE_DEFINITION }, 'create its table');
    } catch (error) {
      // Another process created it first: wait for it like for our own.
      if ((error as { name?: unknown }).name !== 'ResourceInUseException') throw error;
    }
    table = await describe(connection);
  }
  table = await waitUntilActive(connection, table);
  checkKeySchema(connection.table, table);
  await checkMeta(connection);
}

async function describe(connection: DynamoDBConnection): Promise<TableDescription | null> {
  try {
    return (await connection.send<{ Table?: TableDescription }>('DescribeTable', {}, 'open its table')).Table ?? null;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

async function waitUntilActive(connection: DynamoDBConnection, described: TableDescription | null): Promise<TableDescription> {
  const deadline = Date.now() + ACTIVE_WAIT_MS;
  let table = described;
  while (table === null || table.TableStatus !== 'ACTIVE') {
    if (table?.TableStatus === 'DELETING') {
      throw new TokenStoreError(
        ErrorCode.STORE_UNAVAILABLE,
        `The DynamoDB table "${connection.table}" is being deleted; open the store once it is gone or recreated.`,
      );
    }
    if (Date.now() > deadline) {
      throw new TokenStoreError(
        ErrorCode.STORE_UNAVAILABLE,
        `The DynamoDB table "${connection.table}" did not become ACTIVE within ${ACTIVE_WAIT_MS / 1000} s; retry later.`,
      );
    }
    // UPDATING and ARCHIVING tables serve reads and writes; only CREATING ones must be waited for.
    if (table !== null && table.TableStatus !== 'CREATING') break;
    await sleep(ACTIVE_POLL_MS);
    table = await describe(connection);
  }
  return table;
}

function checkKeySchema(name: string, table: TableDescription): void {
  const keys = (table.KeySchema ?? []).map((key) => `${key.AttributeName}:${key.KeyType}`).sort();
  const types = new Map((table.AttributeDefinitions ?? []).map((definition) => [definition.AttributeName, definition.AttributeType]));
  if (keys.join(',') !== `${PK}:HASH,${SK}:RANGE` || types.get(PK) !== 'S' || types.get(SK) !== 'S') {
    throw invalid(
      `The DynamoDB table "${name}" has another key schema than the store's (a string partition key "${PK}" and a string sort key "${SK}"): it is another program's table. Give the store a table of its own.`,
    );
  }
}

async function checkMeta(connection: DynamoDBConnection): Promise<void> {
  const meta = (await connection.send<{ Item?: DynamoItem }>('GetItem', { Key: META_KEY, ConsistentRead: true }, 'open its table')).Item;
  if (meta !== undefined) {
    const format = meta.format !== undefined && 'N' in meta.format ? Number(meta.format.N) : NaN;
    if (format !== FORMAT) {
      throw new TokenStoreError(
        ErrorCode.STORE_CORRUPT,
        `The DynamoDB table "${connection.table}" holds tokens in layout ${Number.isNaN(format) ? 'unknown' : format}; this version of the store reads layout ${FORMAT}. Upgrade the package, or use another table.`,
      );
    }
    return;
  }
  const { Items: found = [] } = await connection.send<{ Items?: DynamoItem[] }>(
    'Scan',
    { Limit: 10, ProjectionExpression: PK, ConsistentRead: true },
    'open its table',
  );
  if (found.some((item) => !OWN_ITEM.test(item[PK] !== undefined && 'S' in item[PK] ? item[PK].S : ''))) {
    throw invalid(`The DynamoDB table "${connection.table}" holds items of another program. Give the store a table of its own.`);
  }
  try {
    await connection.send(
      'PutItem',
      {
        Item: { ...META_KEY, format: { N: String(FORMAT) } },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
      'open its table',
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error; // another process marked it first
  }
}
