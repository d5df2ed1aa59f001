import type { Terminal } from '../terminal.js';
import { visible } from '../visible-text.js';
import type { CopySummary } from './copy-tokens.js';

/** Prints one line per failed token (its id and the reason), then the summary line. */
export function reportCopy(terminal: Terminal, summary: CopySummary, dryRun: boolean): void {
  for (const failure of summary.failures) terminal.note(visible(`token ${failure.sourceId ?? '(no id)'} not copied: ${failure.reason}`));
  const prefix = dryRun ? 'Dry run, nothing written: would have ' : '';
  terminal.out(`${prefix}copied ${summary.copied}, updated ${summary.updated}, skipped ${summary.skipped}, failed ${summary.failed}`);
}
