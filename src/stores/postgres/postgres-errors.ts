import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError, isTokenStoreError } from '../../errors/token-store-error.js';
import { hostLookupFailure } from '../../kernel/open/unknown-host.js';
import { NEVER_CONNECTED_CODES, SOCKET_ERROR_CODES } from '../../kernel/open/socket-errors.js';

// SQLSTATEs of a server that cannot serve now: shutting down, starting up, out of connections.
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '53400']);
// Bad password, no such role or no pg_hba entry, no privilege on the schema or table.
const DENIED_STATES = new Set(['28P01', '28000', '42501']);

/** A PostgreSQL server error: pg's DatabaseError carries the five-character SQLSTATE and a severity. */
function sqlStateOf(error: unknown): string | null {
  const { code, severity } = (error ?? {}) as { code?: unknown; severity?: unknown };
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && typeof severity === 'string' ? code : null;
}

/**
 * True for a failure of the connection rather than of a statement: a socket error, a server that is going away,
 * or pg's own plain `Error`s for a connection that ended or timed out ("Connection terminated unexpectedly",
 * "timeout exceeded when trying to connect"), which carry no code to test.
 */
function isConnectionFailure(error: unknown): boolean {
  const state = sqlStateOf(error);
  if (state !== null) return state.startsWith('08') || UNAVAILABLE_STATES.has(state);
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return SOCKET_ERROR_CODES.has(code);
  return error instanceof Error && Object.getPrototypeOf(error) === Error.prototype;
}

// Failures to connect at all: nothing was sent, so a write that failed with one of them was not applied.
// pg-pool's own errors (no code) for a connection that was never made within connectionTimeoutMillis.
const NOT_CONNECTED_MESSAGES = ['timeout exceeded when trying to connect', 'Connection terminated due to connection timeout'];

/**
 * A write's typed error once its statement (or COMMIT) may have reached the server: a connection lost then leaves
 * the outcome unknown, since the server may have committed before the answer was lost. Such a STORE_UNAVAILABLE
 * gets `outcomeUnknown: true` and says so; other errors are returned as they are.
 */
export function withUnknownOutcome(error: unknown, action: string): unknown {
  if (!isTokenStoreError(error) || error.code !== ErrorCode.STORE_UNAVAILABLE) return error;
  const cause = (error as { cause?: unknown }).cause;
  const code = (cause as { code?: unknown } | null | undefined)?.code;
  if (typeof code === 'string' && NEVER_CONNECTED_CODES.has(code)) return error;
  if (cause instanceof Error && NOT_CONNECTED_MESSAGES.includes(cause.message)) return error;
  return new TokenStoreError(
    ErrorCode.STORE_UNAVAILABLE,
    `The PostgreSQL store could not ${action}: the connection was lost after the write was sent${typeof code === 'string' ? ` (${code})` : ''}, ` +
      'so the server may have applied it. Read the token again once the server is back before relying on what is stored.',
    { cause, outcomeUnknown: true },
  );
}

/**
 * Turns a driver error into the store's typed error: STORE_UNAVAILABLE (retry later), STORE_ACCESS_DENIED (fix
 * the credentials or grants), INVALID_CONFIG (no such database), TOKEN_CONFLICT (a unique index refused a write
 * made outside this store). Anything else passes through and becomes TOKEN_STORE. The driver error is the
 * non-enumerable `cause`; messages name no value.
 */
export function toStoreError(error: unknown, action: string): unknown {
  if (isTokenStoreError(error)) return error;
  const state = sqlStateOf(error);
  const detail = state ?? (error as { code?: unknown } | null)?.code;
  const because = typeof detail === 'string' ? ` (${detail})` : '';
  const lookup = hostLookupFailure(error);
  if (lookup !== null) {
    return new TokenStoreError(ErrorCode.STORE_UNAVAILABLE, `The PostgreSQL store could not ${action}: ${lookup}`, { cause: error });
  }
  if (isConnectionFailure(error)) {
    return new TokenStoreError(
      ErrorCode.STORE_UNAVAILABLE,
      `The PostgreSQL store could not ${action}: the server cannot be reached now${because}. Retry when it is back; see the cause.`,
      { cause: error },
    );
  }
  if (state !== null && DENIED_STATES.has(state)) {
    return new TokenStoreError(
      ErrorCode.STORE_ACCESS_DENIED,
      `The PostgreSQL store could not ${action}: the server refused the user's credentials or privileges${because}. Check the user, password and grants on the schema and table.`,
      { cause: error },
    );
  }
  if (state === '3D000') {
    return new TokenStoreError(
      ErrorCode.INVALID_CONFIG,
      `The PostgreSQL store could not ${action}: the database named in the connection does not exist (3D000). Create it or fix the connection.`,
      { cause: error },
    );
  }
  if (state === '23505') {
    return new TokenStoreError(
      ErrorCode.TOKEN_CONFLICT,
      `The PostgreSQL store could not ${action}: another row already has this id or user name (23505); nothing was written.`,
      { cause: error },
    );
  }
  return error;
}
