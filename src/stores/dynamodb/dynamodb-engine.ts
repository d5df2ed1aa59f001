import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import type { StoreEngine } from '../../kernel/store-engine.js';
import { booleanOptions, checkQuery, textOptions } from '../location/location-query.js';

const QUERY = ['region', 'endpoint', 'createTable'] as const;

const invalid = (message: string): TokenStoreError => new TokenStoreError(ErrorCode.INVALID_CONFIG, message);

export const DYNAMODB_ENGINE: StoreEngine = {
  scheme: 'dynamodb',
  aliases: [],
  storeName: 'DynamoDBStore',
  importPath: 'zoho-token-store/dynamodb',
  packages: ['@aws-sdk/client-dynamodb'],
  summary: 'one DynamoDB table: an item per token, an index item per looked-up value',
  lockCovers: 'every process, host and function using the table',
  location: {
    kind: 'server',
    example: 'dynamodb://zoho-tokens?region=eu-west-1',
    alternatives: '`?endpoint=http://127.0.0.1:8000` for a local DynamoDB; credentials from the AWS SDK, never the location',
    query: QUERY,
    openCall: "DynamoDBStore.open({ table: 'zoho-tokens', region })",
  },
  // The table is the host part (table names are valid there, case kept); nothing else may be in the URL.
  optionsOf: (location) => {
    checkQuery(location, QUERY);
    const url = location.url as URL;
    if (url.username !== '' || url.password !== '') {
      throw invalid(
        'A dynamodb location never holds credentials: the AWS SDK finds them (environment, profile, role), or pass "credentials" in the options.',
      );
    }
    if (url.port !== '' || (url.pathname !== '' && url.pathname !== '/')) {
      throw invalid('A dynamodb location names its table only: dynamodb://TABLE?region=…&endpoint=… (no port or path).');
    }
    return {
      table: decodeURIComponent(url.hostname),
      ...textOptions(location, ['region', 'endpoint']),
      ...booleanOptions(location, ['createTable']),
    };
  },
  open: async (options) => (await import('./dynamodb-store.js')).DynamoDBStore.open(options),
};
