import type { CommandContext } from '../command-context.js';
import { openManager } from '../accounts/open-manager.js';
import { required } from '../settings.js';
import { withStore } from '../stores/cli-open-store.js';
import { selectToken } from '../tokens/select-token.js';
import { printJson } from '../json-output.js';
import { visible } from '../visible-text.js';

export interface RevokeOptions {
  readonly json?: boolean;
}

/**
 * `zoho-tokens revoke <id|user>`: revokes the refresh token at Zoho (which also ends its access tokens), then
 * deletes the token from the store. If Zoho cannot be reached, the token stays stored and the command can be rerun.
 */
export async function revoke(idOrUser: string, context: CommandContext, options: RevokeOptions = {}): Promise<void> {
  const location = required(context.settings, 'store', 'revoke');
  await withStore(location, async ({ store, location: parsed }) => {
    const token = await selectToken(store, idOrUser, parsed.display);
    const manager = openManager(store, context.settings, token.apiDomain);
    let remote = false;
    manager.on('revoked', (event) => {
      remote = event.remote;
    });
    try {
      await manager.revoke({ id: token.id as string });
    } finally {
      await manager.close();
    }
    if (options.json) {
      // revoked: the server revoked the refresh token now (false: it had none, or the server no longer knew it).
      printJson(context.terminal, {
        id: token.id,
        user: token.userName,
        store: parsed.display,
        revoked: remote,
        hadRefreshToken: token.refreshToken !== null,
        deleted: true,
      });
      return;
    }
    const who = visible(`token ${token.id}${token.userName ? ` (${token.userName})` : ''}`);
    if (remote) context.terminal.out(`Revoked ${who} at Zoho and deleted it from ${parsed.display}.`);
    else if (token.refreshToken)
      context.terminal.out(`Zoho no longer knew the refresh token of ${who} (already revoked); deleted it from ${parsed.display}.`);
    else context.terminal.out(`${who} had no refresh token to revoke; deleted it from ${parsed.display}.`);
  });
}
