import { ErrorCode } from '../../errors/codes.js';
import { TokenArgumentError, TokenStoreError } from '../../errors/token-store-error.js';
import { SOCKET_ERROR_CODES } from '../../kernel/open/socket-errors.js';

// Error names of the DynamoDB API and the SDK (its `error.name`), by what the caller can do about them.
const UNAVAILABLE_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TransactionInProgressException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'AbortError',
]);
const DENIED_NAMES = new Set([
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'MissingAuthenticationTokenException',
  'IncompleteSignatureException',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'CredentialsProviderError',
]);

const CONDITION_FAILED = 'ConditionalCheckFailedException';

/** A conditional write found its condition false: handled inside the store, never reported as such. */
export function isConditionFailed(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === CONDITION_FAILED;
}

function nameOf(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : '';
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/** The network failure's code (ECONNREFUSED…) of the error or one it wraps (the SDK wraps socket errors), or ''. */
function networkCodeOf(error: unknown): string {
  for (let current: unknown = error, depth = 0; current !== null && current !== undefined && depth < 4; depth += 1) {
    const code = codeOf(current);
    if (SOCKET_ERROR_CODES.has(code)) return code;
    const errors = (current as { errors?: unknown }).errors; // AggregateError: one per address tried
    if (Array.isArray(errors)) for (const inner of errors) if (SOCKET_ERROR_CODES.has(codeOf(inner))) return codeOf(inner);
    current = (current as { cause?: unknown }).cause;
  }
  return '';
}

/**
 * The SDK attaches the raw response to its errors (`$response`), and some exceptions the item they refused; a
 * logged or inspected cause would print token values. Only the name, message and request metadata are kept.
 */
function withoutPayload(error: unknown): unknown {
  if (typeof error !== 'object' || error === null) return error;
  for (const key of ['$response', 'Item', 'CancellationReasons']) {
    if (key in error) {
      try {
        delete (error as Record<string, unknown>)[key];
      } catch {
        // A frozen error keeps it; nothing the store can do.
      }
    }
  }
  return error;
}

/**
 * Turns a driver error into this library's: throttling, server errors, timeouts and network failures →
 * STORE_UNAVAILABLE (retry later); refused or missing credentials → STORE_ACCESS_DENIED; a table that does not
 * exist → INVALID_CONFIG; a missing region → INVALID_CONFIG. Anything else (a condition failure the caller
 * handles, a validation error) passes through, for the store to wrap as TOKEN_STORE with the cause attached.
 * Messages name the table, never a value.
 */
export function classifyDynamoDBError(error: unknown, action: string, table: string): unknown {
  if (error instanceof TokenStoreError || error instanceof TokenArgumentError) return error;
  const cause = withoutPayload(error);
  const name = nameOf(error);
  if (name === CONDITION_FAILED) return cause;
  const status = (error as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata?.httpStatusCode;
  if (name === 'CredentialsProviderError') {
    return new TokenStoreError(
      ErrorCode.STORE_ACCESS_DENIED,
      `The DynamoDB store could not ${action}: the AWS SDK found no credentials (environment, shared config and credentials files, container or instance role). Give the process credentials, or pass "credentials".`,
      { cause },
    );
  }
  if (DENIED_NAMES.has(name) || status === 403) {
    return new TokenStoreError(
      ErrorCode.STORE_ACCESS_DENIED,
      `The DynamoDB store could not ${action}: AWS refused its credentials or permissions (${name || status}). Check the credentials the AWS SDK finds (environment, profile, role) and the IAM actions in docs/dynamodb-store.md.`,
      { cause },
    );
  }
  if (name === 'ResourceNotFoundException') {
    return new TokenStoreError(
      ErrorCode.INVALID_CONFIG,
      `The DynamoDB store could not ${action}: the table "${table}" does not exist in this region and account. Create it (docs/dynamodb-store.md), let the store create it (createTable: true), or fix the table name or region.`,
      { cause },
    );
  }
  if (error instanceof Error && /region is missing/i.test(error.message)) {
    return new TokenStoreError(
      ErrorCode.INVALID_CONFIG,
      `The DynamoDB store has no AWS region: pass "region" (or ?region= in the location), or set AWS_REGION.`,
      { cause },
    );
  }
  const network = networkCodeOf(error);
  if (UNAVAILABLE_NAMES.has(name) || network !== '' || (typeof status === 'number' && status >= 500)) {
    return new TokenStoreError(
      ErrorCode.STORE_UNAVAILABLE,
      `The DynamoDB store could not ${action}: DynamoDB cannot serve it now (${network || name || status}). Retry later; see the cause.`,
      { cause },
    );
  }
  return cause;
}
