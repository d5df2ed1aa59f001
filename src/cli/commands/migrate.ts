import { CliError, usageError } from '../cli-error.js';
import type { CommandContext } from '../command-context.js';
import { ExitCode } from '../exit-codes.js';
import { ProgressBar } from '../progress-bar.js';
import { withStore } from '../stores/cli-open-store.js';
import { MemoryStore } from '../../stores/memory/memory-store.js';
import { parseStoreLocation, type StoreLocation } from '../../stores/location/store-location.js';
import { sameStore } from '../stores/same-store.js';
import { copyTokens, type CopySummary } from '../tokens/copy-tokens.js';
import { reportCopy } from '../tokens/report-copy.js';
import { printJson } from '../json-output.js';

export interface MigrateOptions {
  readonly from: string;
  readonly to: string;
  readonly dryRun?: boolean;
  readonly json?: boolean;
}

/** How a copy is shown: `label` is "source → target", `json` prints the summary as one document. */
export interface CopyDisplay {
  readonly from: string;
  readonly to: string;
  readonly dryRun: boolean;
  readonly json: boolean;
}

/**
 * `zoho-tokens migrate --from <store> --to <store>`: copies every token; rerunning it changes nothing.
 * Resolves to the summary; any token not copied makes the command fail (exit 1) after the summary.
 */
export async function migrate(options: MigrateOptions, context: CommandContext): Promise<CopySummary> {
  const from = parseStoreLocation(options.from);
  const to = parseStoreLocation(options.to);
  if (sameStore(from, to)) throw usageError('migrate --from and --to name the same store.');
  const display: CopyDisplay = { from: from.display, to: to.display, dryRun: options.dryRun === true, json: options.json === true };
  // The source must exist (a mistyped --from is not an empty store), and is read before the target is opened, so
  // that a source that cannot be read leaves the target as it was.
  const tokens = await withStore(from, ({ store: source }) => source.getTokens());
  const summary = await copyInto(to, tokens, display, context);
  finishCopy(summary, display, context);
  return summary;
}

/**
 * Copies `tokens` into the target. The target is created when missing only when there is something to write: a
 * dry run, or a source without tokens, opens it as an existing store (creating nothing) and counts against an
 * empty store when it does not exist.
 */
export async function copyInto(
  to: StoreLocation,
  tokens: Parameters<typeof copyTokens>[0],
  display: CopyDisplay,
  context: CommandContext,
): Promise<CopySummary> {
  if (!display.dryRun && tokens.length > 0) {
    return withStore(to, ({ store: target }) => copyWithProgress(tokens, target, display, context), { create: true });
  }
  try {
    return await withStore(to, ({ store: target }) => copyWithProgress(tokens, target, display, context));
  } catch (error) {
    if (!(error instanceof CliError && error.code === 'STORE_NOT_FOUND')) throw error;
    return copyWithProgress(tokens, new MemoryStore(), display, context);
  }
}

export async function copyWithProgress(
  tokens: Parameters<typeof copyTokens>[0],
  target: Parameters<typeof copyTokens>[1],
  display: CopyDisplay,
  context: CommandContext,
): Promise<CopySummary> {
  const { dryRun } = display;
  const bar = new ProgressBar(context.terminal, tokens.length, dryRun ? 'checking' : 'copying');
  if (!context.terminal.statusIsTTY)
    context.terminal.note(`${dryRun ? 'Checking' : 'Copying'} ${tokens.length} tokens: ${display.from} → ${display.to}`);
  const summary = await copyTokens(tokens, target, { dryRun, onProgress: () => bar.tick() });
  bar.finish();
  return summary;
}

/** Prints the summary (one line per failed token, then the counts; or one JSON document) and fails if any failed. */
export function finishCopy(summary: CopySummary, display: CopyDisplay, context: CommandContext): void {
  if (display.json) {
    const { copied, updated, skipped, failed, failures } = summary;
    printJson(context.terminal, { from: display.from, to: display.to, dryRun: display.dryRun, copied, updated, skipped, failed, failures });
  } else {
    reportCopy(context.terminal, summary, display.dryRun);
  }
  if (summary.failed > 0) {
    throw new CliError(
      ExitCode.FAILED,
      `${summary.failed} tokens were not copied.`,
      'see the lines above for each token; fix them and rerun (copied tokens are skipped)',
      {
        inResult: true,
      },
    );
  }
}
