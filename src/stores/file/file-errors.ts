import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import { DEFAULT_FILE_NAME } from './file-options.js';

/**
 * Turns a file-system error met while reading, writing or locking the token file at `path` into this library's
 * error: no access is STORE_ACCESS_DENIED, a path that cannot name a token file is INVALID_CONFIG (nothing was
 * created); anything else passes through unchanged.
 */
export function fileError(action: 'read' | 'write' | 'lock', error: unknown, path: string): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new TokenStoreError(
      ErrorCode.STORE_ACCESS_DENIED,
      `The token file ${path} cannot be ${action === 'read' ? 'read' : 'written'} (${code}): give this process read and write access to the file and its directory.`,
      { cause: error },
    );
  }
  // A path that cannot name a token file is a configuration mistake, not an outage: nothing was created.
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new TokenStoreError(
      ErrorCode.INVALID_CONFIG,
      `The directory of the token file ${path} does not exist (${code}): create it, or pass another path.`,
      { cause: error },
    );
  }
  if (code === 'EISDIR') {
    return new TokenStoreError(
      ErrorCode.INVALID_CONFIG,
      `The token file path ${path} is a directory: pass the path of a file in it (e.g. ${DEFAULT_FILE_NAME}).`,
      { cause: error },
    );
  }
  return error;
}
