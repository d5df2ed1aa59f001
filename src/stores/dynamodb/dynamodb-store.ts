import { BackendTokenStore } from '../../kernel/backend-token-store.js';
import { storeParts } from '../../kernel/store-parts.js';
import { DynamoDBBackend } from './dynamodb-backend.js';
import { DYNAMODB_STORE, type DynamoDBStoreOptions } from './dynamodb-options.js';

/**
 * Tokens in one DynamoDB table, shared by every process, host and function that reaches it (AWS Lambda included):
 * strongly consistent lookups by id, user name, access, grant and refresh token without scans, conditional writes
 * for every update, and a refresh lock that covers the cluster (a lease item per token). The driver,
 * `@aws-sdk/client-dynamodb`, is an optional peer dependency loaded on first use.
 *
 * ```ts
 * const store = await DynamoDBStore.open({ table: 'zoho-tokens', region: 'eu-west-1' }); // credentials: the AWS default chain
 * const shared = await DynamoDBStore.open({ client: existingDynamoDBClient, table: 'zoho-tokens' }); // yours to destroy
 * ```
 */
export class DynamoDBStore extends BackendTokenStore {
  private constructor(options: DynamoDBStoreOptions) {
    const { backend, label } = storeParts(DYNAMODB_STORE, options, (config) => new DynamoDBBackend(config));
    super(backend, label);
  }

  /**
   * A store that has checked its options (INVALID_CONFIG), loaded the driver (DRIVER_MISSING), reached DynamoDB
   * (STORE_UNAVAILABLE, STORE_ACCESS_DENIED) and made its table ready: created when missing and `createTable`
   * allows, its key schema checked otherwise.
   */
  static async open(options: DynamoDBStoreOptions = {}): Promise<DynamoDBStore> {
    return new DynamoDBStore(options).opened();
  }
}
