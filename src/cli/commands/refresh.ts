import type { CommandContext } from '../command-context.js';
import { forceRefresh } from '../accounts/force-refresh.js';
import { required } from '../settings.js';
import { withStore } from '../stores/cli-open-store.js';
import { selectToken } from '../tokens/select-token.js';
import { relativeTime } from '../tokens/expiry-status.js';
import { maskSecret } from '../../token/mask.js';
import { printJson } from '../json-output.js';
import { visible } from '../visible-text.js';

export interface RefreshOptions {
  readonly json?: boolean;
}

/**
 * `zoho-tokens refresh <id|user>`: gets a new access token now (even if the stored one is still valid) through the
 * token engine, under the store's refresh lock, and saves it.
 */
export async function refresh(idOrUser: string, context: CommandContext, options: RefreshOptions = {}): Promise<void> {
  const location = required(context.settings, 'store', 'refresh');
  await withStore(location, async ({ store, location: parsed }) => {
    const token = await selectToken(store, idOrUser, parsed.display);
    const credentials = await forceRefresh(store, token, context.settings);
    if (options.json) {
      const expiresAt = credentials.expiresAt === null ? null : new Date(credentials.expiresAt).toISOString();
      printJson(context.terminal, {
        id: credentials.tokenId,
        user: credentials.userName,
        store: parsed.display,
        accessToken: maskSecret(credentials.accessToken),
        expiresAt,
      });
      return;
    }
    const expiry =
      credentials.expiresAt === null
        ? 'no expiry given'
        : `expires ${new Date(credentials.expiresAt).toISOString()} (${relativeTime(credentials.expiresAt, context.now())})`;
    context.terminal.out(
      visible(
        `Refreshed token ${credentials.tokenId}${credentials.userName ? ` (${credentials.userName})` : ''}: access token ${maskSecret(credentials.accessToken)}, ${expiry}.`,
      ),
    );
  });
}
