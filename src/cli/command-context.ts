import type { Settings } from './settings.js';
import type { Terminal } from './terminal.js';

/** What every command gets besides its own options. */
export interface CommandContext {
  readonly terminal: Terminal;
  readonly settings: Settings;
  /** The clock used for expiry statuses (tests pass a fixed one). */
  readonly now: () => number;
}
