import { CliError, usageError } from '../cli-error.js';
import type { CommandContext } from '../command-context.js';
import { ExitCode } from '../exit-codes.js';
import { ProgressBar } from '../progress-bar.js';
import { withStore } from '../stores/open-store.js';
import { parseStoreLocation, sameStore } from '../stores/store-location.js';
import { copyTokens, type CopySummary } from '../tokens/copy-tokens.js';
import { reportCopy } from '../tokens/report-copy.js';

export interface MigrateOptions {
  readonly from: string;
  readonly to: string;
  readonly dryRun?: boolean;
}

/**
 * `zoho-tokens migrate --from <store> --to <store>`: copies every token; rerunning it changes nothing.
 * Resolves to the summary; any token not copied makes the command fail (exit 1) after the summary.
 */
export async function migrate(options: MigrateOptions, context: CommandContext): Promise<CopySummary> {
  const from = parseStoreLocation(options.from);
  const to = parseStoreLocation(options.to);
  if (sameStore(from, to)) throw usageError('migrate --from and --to name the same store.');
  const summary = await withStore(from, ({ store: source }) =>
    withStore(to, async ({ store: target }) => {
      const tokens = await source.getTokens();
      return copyWithProgress(tokens, target, options.dryRun === true, context, `${from.display} → ${to.display}`);
    }),
  );
  finishCopy(summary, options.dryRun === true, context);
  return summary;
}

export async function copyWithProgress(
  tokens: Parameters<typeof copyTokens>[0],
  target: Parameters<typeof copyTokens>[1],
  dryRun: boolean,
  context: CommandContext,
  label: string,
): Promise<CopySummary> {
  const bar = new ProgressBar(context.terminal, tokens.length, dryRun ? 'checking' : 'copying');
  if (!context.terminal.statusIsTTY) context.terminal.note(`${dryRun ? 'Checking' : 'Copying'} ${tokens.length} tokens: ${label}`);
  const summary = await copyTokens(tokens, target, { dryRun, onProgress: () => bar.tick() });
  bar.finish();
  return summary;
}

export function finishCopy(summary: CopySummary, dryRun: boolean, context: CommandContext): void {
  reportCopy(context.terminal, summary, dryRun);
  if (summary.failed > 0) {
    throw new CliError(ExitCode.FAILED, `${summary.failed} tokens were not copied.`, 'see the lines above for each token; fix them and rerun (copied tokens are skipped)');
  }
}
