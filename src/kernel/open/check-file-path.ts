import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';

/**
 * A store file whose path is a directory, or whose folder does not exist, is a configuration mistake: refused with
 * INVALID_CONFIG before anything is created (the engines would report both as "cannot open", like a permission
 * problem, and only on first use).
 */
export function checkStoreFilePath(owner: string, path: string, example: string): void {
  const kind = (target: string) => statSync(target, { throwIfNoEntry: false });
  if (kind(path)?.isDirectory()) {
    throw new TokenStoreError(
      ErrorCode.INVALID_CONFIG,
      `${owner} option "path" names a directory (${path}); pass the path of a file in it (e.g. ${example}).`,
    );
  }
  const folder = kind(dirname(path));
  if (folder === undefined || !folder.isDirectory()) {
    throw new TokenStoreError(
      ErrorCode.INVALID_CONFIG,
      `The folder of the ${owner} file ${path} does not exist; create it, or pass another path.`,
    );
  }
}
