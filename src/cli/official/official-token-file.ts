import { readFile } from 'node:fs/promises';
import { parseTokenFile } from '../../stores/file/file-format.js';
import { OAuthToken } from '../../token/oauth-token.js';
import { CliError } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';

/**
 * Reads a token file as the official SDKs write it, with the FileStore's own reader (9 or 10 columns, either
 * header label, values bare as the official writer leaves them): a damaged file is STORE_CORRUPT naming the line.
 */
export async function readOfficialTokenFile(path: string): Promise<OAuthToken[]> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT')
      throw new CliError(ExitCode.USAGE, `The token file ${path} cannot be read (ENOENT).`, 'check the path', { code: 'STORE_NOT_FOUND' });
    throw new CliError(ExitCode.FAILED, `The token file ${path} cannot be read (${code ?? 'error'}).`, 'check the path');
  }
  return parseTokenFile(bytes, path).records.map((record, index) => {
    try {
      const { userName, ...fields } = record;
      return OAuthToken.from({ ...fields, userSignature: userName });
    } catch {
      throw new CliError(
        ExitCode.FAILED,
        `The token file ${path} cannot be imported: token ${index + 1} holds a value no store can keep (a NUL character?).`,
        'nothing was written; repair the file and rerun',
      );
    }
  });
}
