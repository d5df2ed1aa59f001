import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import type { EncryptionOptions } from '../../encryption/encryption-options.js';
import type { StoreSpec } from '../../kernel/store-parts.js';
import type { DynamoDBClientLike } from './dynamodb-driver.js';

/** AWS credentials given outright, or a provider the SDK calls (as `DynamoDBClient`'s `credentials` takes them). */
export type DynamoDBCredentials =
  | { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string }
  | (() => Promise<{ readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string }>);

export interface DynamoDBStoreOptions {
  /** The table holding the tokens (default `zoho-tokens`); one table per store. */
  readonly table?: string;
  /** The AWS region (`eu-west-1`); default: the SDK's (AWS_REGION, the profile). */
  readonly region?: string;
  /**
   * Another endpoint than AWS's own: a local DynamoDB (`http://127.0.0.1:8000`, dynalite, DynamoDB Local) or a
   * VPC endpoint. Never holds credentials.
   */
  readonly endpoint?: string;
  /** Credentials for the client the store creates; default: the AWS SDK's default chain (environment, profile, role). */
  readonly credentials?: DynamoDBCredentials;
  /** Further `DynamoDBClient` settings for the client the store creates (`maxAttempts`, `retryMode`, `logger`, …). */
  readonly clientConfig?: Readonly<Record<string, unknown>>;
  /** A `DynamoDBClient` to use. The store never destroys it. Not with region, endpoint, credentials or clientConfig. */
  readonly client?: DynamoDBClientLike;
  /**
   * Create the table when it is missing (on-demand billing, the key schema in docs/dynamodb-store.md). Default:
   * true with an `endpoint` (a local emulator), false against AWS itself, where tables are usually made by
   * infrastructure code and the store's role should not need `dynamodb:CreateTable`.
   */
  readonly createTable?: boolean;
  /** How long opening a connection may take, per attempt (default 3,000 ms; a client the store creates). */
  readonly connectTimeoutMs?: number;
  /** How long one request may take, per attempt, before it fails (default 5,000 ms; a client the store creates). */
  readonly requestTimeoutMs?: number;
  /** How long one save or delete may hold the table's write lock before others may take it (default 5,000 ms). */
  readonly writeLockLeaseMs?: number;
  /** How long a save waits for the write lock before it rejects with STORE_UNAVAILABLE (default 10,000 ms). */
  readonly writeLockWaitMs?: number;
  /** Encrypt the tokens' secrets at rest with this key ring; see docs/encryption.md. */
  readonly encryption?: EncryptionOptions;
}

/** Validated, frozen settings. */
export interface DynamoDBStoreConfig {
  readonly table: string;
  readonly client: DynamoDBClientLike | null;
  /** The settings of the client the store creates (region, endpoint, credentials, timeouts and clientConfig). */
  readonly clientSettings: Readonly<Record<string, unknown>>;
  readonly createTable: boolean;
  readonly writeLockLeaseMs: number;
  readonly writeLockWaitMs: number;
}

export const DEFAULT_TABLE = 'zoho-tokens';
const KNOWN_OPTIONS = [
  'table',
  'region',
  'endpoint',
  'credentials',
  'clientConfig',
  'client',
  'createTable',
  'connectTimeoutMs',
  'requestTimeoutMs',
  'writeLockLeaseMs',
  'writeLockWaitMs',
  'encryption',
];
// DynamoDB's own rule for table names.
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
const REGION = /^[a-z]{2}(-[a-z0-9]+){1,4}$/;

const invalid = (message: string): TokenStoreError => new TokenStoreError(ErrorCode.INVALID_CONFIG, message);

function positiveMs(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0 || value > 600_000) {
    throw invalid(`The DynamoDB store option "${name}" must be a whole number of milliseconds from 1 to 600000.`);
  }
  return value;
}

function checkedEndpoint(endpoint: unknown): string {
  // The endpoint could hold credentials in its user part: messages never repeat it.
  if (typeof endpoint !== 'string' || !/^https?:\/\//i.test(endpoint) || /\s/.test(endpoint) || !URL.canParse(endpoint)) {
    throw invalid('The DynamoDB store option "endpoint" must be an http:// or https:// URL without spaces (e.g. http://127.0.0.1:8000).');
  }
  const url = new URL(endpoint);
  if (url.username !== '' || url.password !== '') {
    throw invalid('The DynamoDB store option "endpoint" must not hold credentials; pass "credentials", or let the AWS SDK find them.');
  }
  return endpoint;
}

function checkedCredentials(credentials: unknown): DynamoDBCredentials {
  if (typeof credentials === 'function') return credentials as DynamoDBCredentials;
  const given = credentials as Record<string, unknown> | null;
  const text = (value: unknown) => typeof value === 'string' && value !== '';
  if (
    typeof given !== 'object' ||
    given === null ||
    !text(given.accessKeyId) ||
    !text(given.secretAccessKey) ||
    (given.sessionToken !== undefined && !text(given.sessionToken))
  ) {
    throw invalid(
      'The DynamoDB store option "credentials" must be { accessKeyId, secretAccessKey, sessionToken? } or a credentials provider function.',
    );
  }
  // A copy: the SDK marks the credentials object it is given (a frozen one would make every request fail).
  return { ...(credentials as Exclude<DynamoDBCredentials, () => unknown>) };
}

function isClient(value: unknown): value is DynamoDBClientLike {
  return typeof (value as Partial<DynamoDBClientLike> | null)?.send === 'function';
}

/** Checks every option before anything is opened; the result is frozen. */
export function resolveDynamoDBOptions(options: DynamoDBStoreOptions = {}): DynamoDBStoreConfig {
  const table = options.table ?? DEFAULT_TABLE;
  if (typeof table !== 'string' || !TABLE_NAME.test(table)) {
    throw invalid(
      'The DynamoDB store option "table" must be 3 to 255 letters, digits, "_", "-" or "." (DynamoDB\'s rule for table names).',
    );
  }
  const ownClientOptions = (['region', 'endpoint', 'credentials', 'clientConfig', 'connectTimeoutMs', 'requestTimeoutMs'] as const).filter(
    (name) => options[name] !== undefined,
  );
  if (options.client !== undefined) {
    if (!isClient(options.client)) throw invalid('The DynamoDB store option "client" must be a DynamoDBClient (an object with send()).');
    if (ownClientOptions.length > 0) {
      throw invalid(
        `Pass either "client" or ${ownClientOptions.map((name) => `"${name}"`).join(', ')} (for a client the store creates) to the DynamoDB store, not both.`,
      );
    }
  }
  if (options.region !== undefined && (typeof options.region !== 'string' || !REGION.test(options.region))) {
    throw invalid('The DynamoDB store option "region" must be an AWS region name such as "eu-west-1".');
  }
  const clientConfig = options.clientConfig ?? {};
  if (typeof clientConfig !== 'object' || clientConfig === null || Array.isArray(clientConfig)) {
    throw invalid('The DynamoDB store option "clientConfig" must be an object of DynamoDBClient settings.');
  }
  for (const name of ['region', 'endpoint', 'credentials'] as const) {
    if (name in clientConfig && options[name] !== undefined) {
      throw invalid(`The DynamoDB store takes "${name}" once: as its own option or in "clientConfig", not both.`);
    }
  }
  if (options.createTable !== undefined && typeof options.createTable !== 'boolean') {
    throw invalid('The DynamoDB store option "createTable" must be true or false.');
  }
  const settings: Record<string, unknown> = {
    // Each attempt bounded, and a request past its bound an error (not only a warning, as the SDK's default is).
    requestHandler: {
      connectionTimeout: positiveMs('connectTimeoutMs', options.connectTimeoutMs, 3_000),
      requestTimeout: positiveMs('requestTimeoutMs', options.requestTimeoutMs, 5_000),
      throwOnRequestTimeout: true,
    },
    ...clientConfig,
  };
  if (options.region !== undefined) settings.region = options.region;
  if (options.endpoint !== undefined) settings.endpoint = checkedEndpoint(options.endpoint);
  if (options.credentials !== undefined) settings.credentials = checkedCredentials(options.credentials);
  const endpointGiven = options.endpoint !== undefined || 'endpoint' in clientConfig;
  return Object.freeze({
    table,
    client: options.client ?? null,
    clientSettings: Object.freeze(settings),
    createTable: options.createTable ?? (options.client === undefined && endpointGiven),
    writeLockLeaseMs: positiveMs('writeLockLeaseMs', options.writeLockLeaseMs, 5_000),
    writeLockWaitMs: positiveMs('writeLockWaitMs', options.writeLockWaitMs, 10_000),
  });
}

/** What the kernel builds a DynamoDBStore from. */
export const DYNAMODB_STORE: StoreSpec<DynamoDBStoreOptions, DynamoDBStoreConfig> = {
  name: 'DynamoDBStore',
  label: 'DynamoDB store',
  options: KNOWN_OPTIONS,
  resolve: resolveDynamoDBOptions,
};
