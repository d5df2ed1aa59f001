import { loadOptional } from '../../drivers/load-optional.js';
import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';

/**
 * The part of `@aws-sdk/client-dynamodb` (v3) this store calls, described here so the package has no runtime or
 * type dependency on the AWS SDK: a `DynamoDBClient` fits, and so does any client with the same `send`.
 */

/** The attribute values the store reads and writes: strings and numbers only. */
export type AttributeValue = { readonly S: string } | { readonly N: string };
/** An item or a key, as the low-level API carries it (`{ pk: { S: '…' } }`). */
export type DynamoItem = Readonly<Record<string, AttributeValue>>;

/** A DynamoDB client: `DynamoDBClient` from `@aws-sdk/client-dynamodb`, or anything with the same `send`. */
export interface DynamoDBClientLike {
  send(command: object, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
  /** Closes its sockets; called only on a client the store created. */
  destroy?(): void;
}

/** The command classes the store sends, by operation name. */
export const OPERATIONS = [
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchWriteItem',
  'DescribeTable',
  'CreateTable',
] as const;
export type Operation = (typeof OPERATIONS)[number];

type CommandClass = new (input: object) => object;

/** What the store needs of the SDK module: the client class and one command class per operation. */
export interface DynamoDBDriver {
  readonly Client: new (config: Record<string, unknown>) => DynamoDBClientLike;
  readonly commands: Readonly<Record<Operation, CommandClass>>;
}

type SdkModule = Record<string, unknown> & { default?: Record<string, unknown> };

export const DRIVER_PACKAGE = '@aws-sdk/client-dynamodb';

/** Loads the AWS SDK's DynamoDB client on first use; a missing package gives DRIVER_MISSING naming it. */
export async function loadDynamoDBDriver(): Promise<DynamoDBDriver> {
  const loaded = await loadOptional<SdkModule>(DRIVER_PACKAGE, 'The DynamoDB store');
  const sdk = typeof loaded.DynamoDBClient === 'function' ? loaded : (loaded.default ?? loaded);
  const pick = (name: string): CommandClass => {
    const found = sdk[name];
    if (typeof found !== 'function') {
      throw new TokenStoreError(ErrorCode.DRIVER_MISSING, `The installed "${DRIVER_PACKAGE}" has no ${name}; install version 3 of it.`);
    }
    return found as CommandClass;
  };
  const commands = Object.fromEntries(OPERATIONS.map((operation) => [operation, pick(`${operation}Command`)])) as Record<
    Operation,
    CommandClass
  >;
  return { Client: pick('DynamoDBClient') as DynamoDBDriver['Client'], commands };
}
