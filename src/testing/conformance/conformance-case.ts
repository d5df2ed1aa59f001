import type { TokenStore } from '../../contract/token-store.js';
import type { StoreCapabilities } from './capabilities.js';

export interface ConformanceSettings {
  /** How many tokens the scale check stores. */
  readonly scale: number;
  /** How many saves the concurrency checks start at once. */
  readonly concurrency: number;
  /** The most UTF-8 bytes the store keeps in a secret field, when it keeps fewer than any 255 characters. */
  readonly maxSecretBytes: number | null;
  /** What the store is declared to offer beyond the six methods (undeclared: looked for on the store). */
  readonly capabilities: StoreCapabilities;
}

/** One rule of the contract and the check that a store keeps it. */
export interface ConformanceCase {
  /** Stable id, also the prefix of every violation message, e.g. `find.grant-before-refresh`. */
  readonly rule: string;
  /** What the rule says, in one line. */
  readonly title: string;
  run(store: TokenStore, settings: ConformanceSettings): Promise<void>;
}
