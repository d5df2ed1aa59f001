import { createInterface } from 'node:readline/promises';
import { visibleLines } from './visible-text.js';

/**
 * Where a command writes and asks. Commands never touch `process` directly, so tests can call them as plain
 * functions with a recording terminal; the binary uses `processTerminal()`.
 */
export interface Terminal {
  /** Writes a line of results to stdout. */
  out(line: string): void;
  /** Writes a line of notes, warnings and progress to stderr. */
  note(line: string): void;
  /** Writes raw text to stderr (the progress bar redraws its line with it). */
  writeStatus(text: string): void;
  /** True when a person can answer a question (stdin and stderr are terminals). */
  readonly interactive: boolean;
  /** True when stderr is a terminal: progress bars are drawn only then. */
  readonly statusIsTTY: boolean;
  /** Asks a question on the terminal and resolves to the answer (only when `interactive`). */
  ask(question: string): Promise<string>;
  readonly env: NodeJS.ProcessEnv;
}

export function processTerminal(): Terminal {
  return {
    // Last line of defence: no control character of a stored value reaches the terminal raw (see visible-text.ts).
    out: (line) => void process.stdout.write(`${visibleLines(line)}\n`),
    note: (line) => void process.stderr.write(`${visibleLines(line)}\n`),
    writeStatus: (text) => void process.stderr.write(text),
    interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
    statusIsTTY: Boolean(process.stderr.isTTY),
    async ask(question) {
      const reader = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await reader.question(question);
      } finally {
        reader.close();
      }
    },
    env: process.env,
  };
}
