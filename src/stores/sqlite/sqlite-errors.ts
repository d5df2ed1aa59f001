import { ErrorCode } from '../../errors/codes.js';
import { TokenArgumentError, TokenStoreError } from '../../errors/token-store-error.js';

const codeOf = (error: unknown): string => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
};

/**
 * Turns a driver error into this library's error with the driver's error as its cause: a busy or unreachable file
 * is `STORE_UNAVAILABLE` (retry), a file that is not a database is `STORE_CORRUPT`, anything else `TOKEN_STORE`.
 * The library's own errors pass through unchanged.
 */
export function sqliteError(action: string, error: unknown, path: string): unknown {
  if (error instanceof TokenStoreError || error instanceof TokenArgumentError) return error;
  const code = codeOf(error);
  const where = `the SQLite database ${JSON.stringify(path)}`;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new TokenStoreError(
      ErrorCode.STORE_UNAVAILABLE,
      `Could not ${action}: ${where} stayed locked by another connection past busyTimeoutMs; retry, or raise busyTimeoutMs.`,
      { cause: error },
    );
  }
  if (
    code.startsWith('SQLITE_CANTOPEN') ||
    code.startsWith('SQLITE_PERM') ||
    code.startsWith('SQLITE_READONLY') ||
    (error instanceof TypeError && /directory does not exist/.test(error.message))
  ) {
    return new TokenStoreError(
      ErrorCode.STORE_UNAVAILABLE,
      `Could not ${action}: ${where} cannot be opened for writing; check that its folder exists and is writable.`,
      { cause: error },
    );
  }
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new TokenStoreError(
      ErrorCode.STORE_CORRUPT,
      `Could not ${action}: ${where} is not a readable SQLite database; restore it from a backup or pass another path.`,
      { cause: error },
    );
  }
  return new TokenStoreError(ErrorCode.TOKEN_STORE, `Could not ${action} in ${where}; see the cause.`, { cause: error });
}
