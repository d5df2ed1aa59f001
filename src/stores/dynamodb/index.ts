export { DynamoDBStore } from './dynamodb-store.js';
export { DEFAULT_TABLE, type DynamoDBStoreOptions, type DynamoDBCredentials } from './dynamodb-options.js';
export type { DynamoDBClientLike } from './dynamodb-driver.js';
export { TABLE_DEFINITION } from './dynamodb-table.js';
