import type { CommandContext } from '../command-context.js';
import { parseStoreLocation } from '../../stores/location/store-location.js';
import { readOfficialTokenFile } from '../official/official-token-file.js';
import { readOfficialMysqlTable } from '../official/official-mysql-table.js';
import { usageError } from '../cli-error.js';
import type { CopySummary } from '../tokens/copy-tokens.js';
import { copyInto, finishCopy, type CopyDisplay } from './migrate.js';
import type { OAuthToken } from '../../token/oauth-token.js';

export interface ImportOptions {
  readonly to: string;
  readonly dryRun?: boolean;
  readonly json?: boolean;
}

/**
 * Reads what the official SDKs persisted: a token file (`sdk_tokens.txt`, written with no quoting, 9 or 10
 * columns) or the official MySQL table (`mysql://…/zohooauth?table=oauthtoken`).
 */
async function readOfficial(source: string): Promise<{ tokens: OAuthToken[]; display: string }> {
  if (/^(mysql|mariadb):\/\//i.test(source)) {
    const location = parseStoreLocation(source);
    return { tokens: await readOfficialMysqlTable(location), display: location.display };
  }
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(source)) {
    throw usageError(
      'import reads an official token file or a mysql:// URL.',
      'to copy from any other store, use `zoho-tokens migrate --from … --to …`',
    );
  }
  const path = source.replace(/^file:(?!\/\/)/i, '');
  return { tokens: await readOfficialTokenFile(path), display: path };
}

/** `zoho-tokens import <official file | mysql URL> --to <store>`: like migrate, from the official formats. */
export async function importTokens(source: string, options: ImportOptions, context: CommandContext): Promise<CopySummary> {
  const to = parseStoreLocation(options.to);
  const { tokens, display } = await readOfficial(source);
  const copy: CopyDisplay = { from: display, to: to.display, dryRun: options.dryRun === true, json: options.json === true };
  // The source is read first; the target is created only when there is something to write (not on --dry-run).
  const summary = await copyInto(to, tokens, copy, context);
  finishCopy(summary, copy, context);
  return summary;
}
