import type { CommandContext } from '../command-context.js';
import { required } from '../settings.js';
import { withStore } from '../stores/cli-open-store.js';
import { selectToken } from '../tokens/select-token.js';
import { detailLines, viewOf } from '../tokens/token-view.js';

export interface ShowOptions {
  readonly json?: boolean;
  /** Print secrets in clear. Only ever set by the explicit --reveal flag. */
  readonly reveal?: boolean;
}

/** `zoho-tokens show <id|user>`: one token, field by field; secrets masked unless --reveal. */
export async function show(idOrUser: string, options: ShowOptions, context: CommandContext): Promise<void> {
  const location = required(context.settings, 'store', 'show');
  await withStore(location, async ({ store, location: parsed }) => {
    const token = await selectToken(store, idOrUser, parsed.display);
    const now = context.now();
    const reveal = options.reveal === true;
    if (options.json) context.terminal.out(JSON.stringify(viewOf(token, now, reveal), null, 2));
    else for (const line of detailLines(token, now, reveal)) context.terminal.out(line);
  });
}
