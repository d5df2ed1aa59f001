import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import { loadDynamoDBDriver, type DynamoDBClientLike, type DynamoDBDriver, type Operation } from './dynamodb-driver.js';
import { classifyDynamoDBError } from './dynamodb-errors.js';
import type { DynamoDBStoreConfig } from './dynamodb-options.js';

/**
 * The store's DynamoDB client and the rule every request goes through: the SDK loaded lazily (an optional peer
 * dependency), the table name added, errors typed. A client passed in is used as it is and never destroyed; a
 * client the store creates gets bounded attempts (connect and request timeouts) and is destroyed by `close()`.
 */
export class DynamoDBConnection {
  readonly #config: DynamoDBStoreConfig;
  #driver: DynamoDBDriver | null = null;
  #client: DynamoDBClientLike | null = null;
  #opening: Promise<void> | null = null;
  #ownsClient = false;
  #closed = false;

  constructor(config: DynamoDBStoreConfig) {
    this.#config = config;
  }

  get table(): string {
    return this.#config.table;
  }

  /**
   * Sends one request of `operation` on the store's table (`TableName` is added). A driver error becomes the
   * store's typed error for `action`; a failed condition passes through as it is (see isConditionFailed).
   */
  send<T>(operation: Operation, input: Record<string, unknown>, action: string): Promise<T> {
    const driver = this.#driver;
    const client = this.#client;
    if (driver === null || client === null) return this.#ready().then(() => this.send<T>(operation, input, action));
    if (this.#closed) return Promise.reject(closedError());
    let sent: Promise<unknown>;
    try {
      // A batch names its table in RequestItems.
      const request = operation === 'BatchWriteItem' ? input : { TableName: this.#config.table, ...input };
      sent = client.send(new driver.commands[operation](request));
    } catch (error) {
      return Promise.reject(classifyDynamoDBError(error, action, this.#config.table));
    }
    return sent.then(
      (output) => output as T,
      (error: unknown) => Promise.reject(classifyDynamoDBError(error, action, this.#config.table)),
    );
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsClient) this.#client?.destroy?.();
  }

  #ready(): Promise<void> {
    if (this.#closed) return Promise.reject(closedError());
    this.#opening ??= this.#create().catch((error: unknown) => {
      this.#opening = null; // a missing driver today may be installed tomorrow: try again on the next call
      throw error;
    });
    return this.#opening;
  }

  async #create(): Promise<void> {
    const driver = await loadDynamoDBDriver();
    if (this.#closed) throw closedError();
    if (this.#config.client !== null) {
      this.#client = this.#config.client;
    } else {
      this.#client = new driver.Client({ ...this.#config.clientSettings });
      this.#ownsClient = true;
    }
    this.#driver = driver;
  }
}

function closedError(): TokenStoreError {
  return new TokenStoreError(ErrorCode.STORE_CLOSED, 'The DynamoDB store is closed; open a new one to use it again.');
}
