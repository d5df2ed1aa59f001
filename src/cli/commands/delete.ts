import { usageError, CliError } from '../cli-error.js';
import type { CommandContext } from '../command-context.js';
import { ExitCode } from '../exit-codes.js';
import { required } from '../settings.js';
import { withStore } from '../stores/cli-open-store.js';
import { selectToken } from '../tokens/select-token.js';
import { printJson } from '../json-output.js';
import { visible } from '../visible-text.js';

export interface DeleteOptions {
  readonly all?: boolean;
  /** Skip the confirmation of --all (for scripts). */
  readonly yes?: boolean;
  /** Print `{ store, deleted: [{ id, user }] }`. */
  readonly json?: boolean;
}

/**
 * `zoho-tokens delete <id|user>` deletes one token from the store (Zoho is not told: see `revoke`).
 * `delete --all` deletes every token, after a confirmation on a terminal; without a terminal it needs --yes.
 */
export async function deleteTokens(idOrUser: string | undefined, options: DeleteOptions, context: CommandContext): Promise<void> {
  const { terminal } = context;
  if (options.all && idOrUser !== undefined) throw usageError('delete takes either an id or user, or --all, not both.');
  if (!options.all && idOrUser === undefined)
    throw usageError('delete needs the id or user of a token, or --all.', 'run `zoho-tokens list` to see them');
  if (options.all && !options.yes && !terminal.interactive) {
    throw usageError(
      'delete --all asks for a confirmation, and there is no terminal to ask on.',
      'pass --yes to delete every token without asking',
    );
  }
  const location = required(context.settings, 'store', 'delete');
  await withStore(location, async ({ store, location: parsed }) => {
    const done = (deleted: ReadonlyArray<{ id: string | null; userName: string | null }>, text: string) =>
      options.json
        ? printJson(terminal, { store: parsed.display, deleted: deleted.map(({ id, userName }) => ({ id, user: userName })) })
        : terminal.out(visible(text));
    if (!options.all) {
      const token = await selectToken(store, idOrUser as string, parsed.display);
      await store.deleteToken(token.id as string);
      done([token], `Deleted token ${token.id}${token.userName ? ` (${token.userName})` : ''} from ${parsed.display}.`);
      return;
    }
    const tokens = await store.getTokens();
    const count = tokens.length;
    if (count === 0) {
      done([], `${parsed.display} holds no tokens; nothing to delete.`);
      return;
    }
    if (!options.yes) {
      const answer = await terminal.ask(`Delete all ${count} tokens from ${parsed.display}? This cannot be undone. [y/N] `);
      if (!/^y(es)?$/i.test(answer.trim()))
        throw new CliError(ExitCode.FAILED, 'Nothing was deleted.', 'answer y to delete, or pass --yes');
    }
    await store.deleteTokens();
    done(tokens, `Deleted ${count} token${count === 1 ? '' : 's'} from ${parsed.display}.`);
  });
}
