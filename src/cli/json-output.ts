import type { ErrorReport } from './error-report.js';
import type { Terminal } from './terminal.js';

/**
 * What `--json` prints: exactly one JSON document on stdout, the command's result, or on failure
 * `{ "error": { code, message, hint, exitCode } }` (the exit code is non-zero as without --json). Notes, progress
 * and prompts stay on stderr. Secrets are masked as in the text output unless `--reveal` asks. See docs/cli.md.
 */
export function printJson(terminal: Terminal, document: unknown): void {
  terminal.out(JSON.stringify(document, null, 2));
}

export function errorDocument(report: ErrorReport): { error: { code: string; message: string; hint: string | null; exitCode: number } } {
  return { error: { code: report.code, message: report.plainMessage, hint: report.hint, exitCode: report.exitCode } };
}
