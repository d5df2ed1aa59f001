import type { CommandContext } from '../command-context.js';
import { required } from '../settings.js';
import { withStore } from '../stores/cli-open-store.js';
import { formatTable, statusText, viewOf } from '../tokens/token-view.js';

export interface ListOptions {
  readonly json?: boolean;
}

/** `zoho-tokens list`: every stored token as a table (id, user, client id, api domain, expiry status) or JSON. */
export async function list(options: ListOptions, context: CommandContext): Promise<void> {
  const location = required(context.settings, 'store', 'list');
  await withStore(location, async ({ store, location: parsed }) => {
    const tokens = await store.getTokens();
    const now = context.now();
    const { terminal } = context;
    if (options.json) {
      terminal.out(
        JSON.stringify(
          tokens.map((token) => viewOf(token, now)),
          null,
          2,
        ),
      );
      return;
    }
    if (tokens.length === 0) {
      terminal.note(`No tokens in ${parsed.display}.`);
      return;
    }
    const rows = tokens.map((token) => [
      token.id ?? '',
      token.userName ?? '-',
      token.clientId ?? '-',
      token.apiDomain ?? '-',
      statusText(token, now),
    ]);
    for (const line of formatTable(['ID', 'USER', 'CLIENT ID', 'API DOMAIN', 'STATUS'], rows)) terminal.out(line);
  });
}
