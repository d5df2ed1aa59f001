import type { Terminal } from './terminal.js';

const WIDTH = 30;
const REDRAW_EVERY_MS = 100;

/**
 * A one-line progress bar on stderr, drawn only on a terminal (never into a pipe or a log file). Written here
 * rather than taken from a library: one bar, one line, redrawn with `\r` at most ten times a second is all the CLI
 * needs, and it keeps the CLI's dependencies to its argument parser.
 */
export class ProgressBar {
  readonly #terminal: Terminal;
  readonly #total: number;
  readonly #label: string;
  #done = 0;
  #lastDraw = 0;
  #drawn = false;

  constructor(terminal: Terminal, total: number, label: string) {
    this.#terminal = terminal;
    this.#total = total;
    this.#label = label;
  }

  tick(count = 1): void {
    this.#done += count;
    const now = Date.now();
    if (now - this.#lastDraw >= REDRAW_EVERY_MS || this.#done >= this.#total) {
      this.#lastDraw = now;
      this.#draw();
    }
  }

  /** Leaves the finished bar on its own line. */
  finish(): void {
    if (!this.#terminal.statusIsTTY) return;
    this.#draw();
    this.#terminal.writeStatus('\n');
  }

  #draw(): void {
    if (!this.#terminal.statusIsTTY) return;
    const share = this.#total === 0 ? 1 : Math.min(1, this.#done / this.#total);
    const filled = Math.round(share * WIDTH);
    const bar = '#'.repeat(filled) + '-'.repeat(WIDTH - filled);
    this.#terminal.writeStatus(`\r${this.#label} [${bar}] ${this.#done}/${this.#total} ${Math.floor(share * 100)}%`);
    this.#drawn = true;
  }

  get drawn(): boolean {
    return this.#drawn;
  }
}
