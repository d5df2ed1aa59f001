import { ErrorCode } from '../../errors/codes.js';
import { TokenArgumentError, TokenStoreError } from '../../errors/token-store-error.js';
import { hostLookupFailure } from '../../kernel/open/unknown-host.js';
import { NEVER_CONNECTED_CODES, SOCKET_ERROR_CODES } from '../../kernel/open/socket-errors.js';

// Network-level failures: the server is down, unreachable, restarting or out of connections.
const UNAVAILABLE = new Set([
  ...SOCKET_ERROR_CODES,
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_SERVER_GONE_ERROR',
  'ER_SERVER_LOST',
]);
const ACCESS_DENIED = new Set([
  'ER_ACCESS_DENIED_ERROR',
  'ER_DBACCESS_DENIED_ERROR',
  'ER_TABLEACCESS_DENIED_ERROR',
  'ER_COLUMNACCESS_DENIED_ERROR',
  'ER_SPECIFIC_ACCESS_DENIED_ERROR',
  'ER_ACCESS_DENIED_NO_PASSWORD_ERROR',
  'ER_PASSWORD_NO_MATCH',
]);

const codeOf = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/** True for a driver error saying a key value is stored already (a unique or primary key). */
export const isDuplicateKey = (error: unknown): boolean => codeOf(error) === 'ER_DUP_ENTRY';

// A statement refused for a missing privilege on a table, column or operation (not a refused login).
const PRIVILEGE_DENIED = new Set(['ER_TABLEACCESS_DENIED_ERROR', 'ER_COLUMNACCESS_DENIED_ERROR', 'ER_SPECIFIC_ACCESS_DENIED_ERROR']);

/** True for a driver error saying the user lacks a privilege for the statement (the login itself was accepted). */
export const isPrivilegeDenied = (error: unknown): boolean => {
  const code = codeOf(error);
  return code !== undefined && PRIVILEGE_DENIED.has(code);
};

/** True when InnoDB rolled the statement back to break a deadlock (running it again is the remedy). */
export const isDeadlock = (error: unknown): boolean => codeOf(error) === 'ER_LOCK_DEADLOCK';

/** True when the driver reports a lost or refused connection (as opposed to an SQL error). */
export const isConnectionError = (error: unknown): boolean => {
  const code = codeOf(error);
  return (code !== undefined && UNAVAILABLE.has(code)) || (error as { fatal?: unknown } | null)?.fatal === true;
};

/**
 * Turns a mysql2 error into this library's typed error: STORE_UNAVAILABLE when the server cannot be reached,
 * STORE_ACCESS_DENIED when it refuses the credentials, INVALID_CONFIG when the database or table named does not
 * exist, TOKEN_STORE otherwise. The driver error is the (non-enumerable) cause; its message is never copied, so
 * nothing it quotes from a statement reaches a log. This library's own errors pass through.
 */
export function toStoreError(error: unknown, action: string, where: string): unknown {
  if (error instanceof TokenStoreError || error instanceof TokenArgumentError) return error;
  const code = codeOf(error);
  if (code === 'ER_BAD_DB_ERROR') {
    return new TokenStoreError(
      ErrorCode.INVALID_CONFIG,
      `MySQLStore could not ${action}: the database of ${where} does not exist; create it or pass createDatabase: true.`,
      { cause: error },
    );
  }
  if (code === 'ER_NO_SUCH_TABLE') {
    return new TokenStoreError(
      ErrorCode.INVALID_CONFIG,
      `MySQLStore could not ${action}: the table ${where} does not exist; create it or pass createTable: true.`,
      { cause: error },
    );
  }
  if (code !== undefined && ACCESS_DENIED.has(code)) {
    return new TokenStoreError(
      ErrorCode.STORE_ACCESS_DENIED,
      `MySQLStore could not ${action}: the server refused the user or its privileges on ${where}; check the user, password and grants.`,
      { cause: error },
    );
  }
  const lookup = hostLookupFailure(error);
  if (lookup !== null)
    return new TokenStoreError(ErrorCode.STORE_UNAVAILABLE, `MySQLStore could not ${action}: ${lookup}`, { cause: error });
  if (isConnectionError(error)) {
    return new TokenStoreError(
      ErrorCode.STORE_UNAVAILABLE,
      `MySQLStore could not ${action}: the server for ${where} cannot be reached now (${code ?? 'connection lost'}); retry when it is back.`,
      { cause: error },
    );
  }
  return new TokenStoreError(
    ErrorCode.TOKEN_STORE,
    `MySQLStore could not ${action} on ${where}${code ? ` (${code})` : ''}; see the cause.`,
    {
      cause: error,
    },
  );
}

// Failures to connect at all: nothing was sent, so a write that failed with one of them was not applied.
const NOT_CONNECTED = new Set([...NEVER_CONNECTED_CODES, 'ER_CON_COUNT_ERROR']);

/**
 * A write's typed error once its statement (or COMMIT) may have reached the server: a connection lost then leaves
 * the outcome unknown, since the server may have committed before the answer was lost. Such a STORE_UNAVAILABLE
 * gets `outcomeUnknown: true` and says so; other errors are returned as they are.
 */
export function withUnknownOutcome(error: unknown, action: string, where: string): unknown {
  if (!(error instanceof TokenStoreError) || error.code !== ErrorCode.STORE_UNAVAILABLE) return error;
  const cause = (error as { cause?: unknown }).cause;
  const code = codeOf(cause);
  if (code !== undefined && NOT_CONNECTED.has(code)) return error;
  // A connection that timed out while connecting (a pool opening a new one) never carried the write.
  if ((cause as { syscall?: unknown } | null | undefined)?.syscall === 'connect') return error;
  return new TokenStoreError(
    ErrorCode.STORE_UNAVAILABLE,
    `MySQLStore could not ${action}: the connection to ${where} was lost after the write was sent (${code ?? 'connection lost'}), ` +
      'so the server may have applied it. Read the token again once the server is back before relying on what is stored.',
    { cause, outcomeUnknown: true },
  );
}
