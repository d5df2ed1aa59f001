import type { TokenStore } from '../../contract/token-store.js';
import type { ConformanceCase, ConformanceSettings } from './conformance-case.js';
import { concurrencyCases } from './cases/concurrency-cases.js';
import { deleteCases } from './cases/delete-cases.js';
import { findCases } from './cases/find-cases.js';
import { hostileCases } from './cases/hostile-cases.js';
import { listCases } from './cases/list-cases.js';
import { saveCases } from './cases/save-cases.js';
import { scaleCases } from './cases/scale-cases.js';
import { valueCases } from './cases/value-cases.js';
import { closeCases } from './cases/close-cases.js';
import { lockCases } from './cases/lock-cases.js';
import { fencedCases } from './cases/fenced-cases.js';
import { NotApplicable, type StoreCapabilities } from './capabilities.js';

/** Makes a new, empty store for one check. */
export type StoreFactory<S extends TokenStore = TokenStore> = () => S | Promise<S>;

export interface ConformanceOptions<S extends TokenStore = TokenStore> {
  /** How many tokens the scale check stores (default 10,000). */
  scale?: number;
  /** How many saves the concurrency checks start at once (default 100). */
  concurrency?: number;
  /**
   * The most UTF-8 bytes your store keeps in a secret field (client secret, access, refresh and grant token), when
   * that is less than 255 characters can take: an encrypted store keeps `MAX_ENCRYPTED_SECRET_BYTES`. Values at the
   * length limit are then cut to it in those fields, and longer ones must be refused with INVALID_ARGUMENT.
   */
  maxSecretBytes?: number;
  /** Called after each check with its store, pass or fail: close connections, remove files. */
  dispose?: (store: S) => unknown;
  /** Run only the rules whose id starts with one of these prefixes, e.g. `['find.', 'save.id-first']`. */
  only?: readonly string[];
  /**
   * What your store offers beyond the six methods: a refresh lock, `close()`. Declared true, its rules must pass;
   * declared false or left out and absent from the store, its rules do not apply (reported as not applicable).
   */
  capabilities?: StoreCapabilities;
}

/** A runner's `test(name, fn)`: node:test, Vitest, Jest and Mocha all have one. */
export type TestFunction = (name: string, fn: () => Promise<void>) => unknown;

const ALL_CASES: readonly ConformanceCase[] = [
  ...findCases,
  ...saveCases,
  ...deleteCases,
  ...listCases,
  ...valueCases,
  ...hostileCases,
  ...concurrencyCases,
  ...scaleCases,
  ...fencedCases,
  ...lockCases,
  ...closeCases,
];

function settingsOf(options: ConformanceOptions<never>): ConformanceSettings {
  return {
    scale: options.scale ?? 10_000,
    concurrency: options.concurrency ?? 100,
    maxSecretBytes: options.maxSecretBytes ?? null,
    capabilities: options.capabilities ?? {},
  };
}

/** The checks of the contract, each with its rule id; filter with `options.only`. */
export function conformanceCases(options: Pick<ConformanceOptions, 'only'> = {}): readonly ConformanceCase[] {
  const only = options.only;
  if (!only || only.length === 0) return ALL_CASES;
  return ALL_CASES.filter((check) => only.some((prefix) => check.rule.startsWith(prefix)));
}

/** Runs one check on a fresh store; resolves to false when the rule does not apply to the store. */
async function runOne<S extends TokenStore>(
  check: ConformanceCase,
  factory: StoreFactory<S>,
  options: ConformanceOptions<S>,
): Promise<boolean> {
  const store = await factory();
  try {
    await check.run(store, settingsOf(options as ConformanceOptions<never>));
    return true;
  } catch (error) {
    if (error instanceof NotApplicable) return false;
    throw error;
  } finally {
    await options.dispose?.(store);
  }
}

/**
 * Registers one test per rule with your runner, each on a fresh store from `factory`:
 * `testTokenStore(test, () => new MyStore())`. A rule about a part your store does not have (a refresh lock,
 * `close()`) passes without checking anything; declare `capabilities` to have it required.
 */
export function testTokenStore<S extends TokenStore>(
  test: TestFunction,
  factory: StoreFactory<S>,
  options: ConformanceOptions<S> = {},
): void {
  for (const check of conformanceCases(options)) {
    test(`[${check.rule}] ${check.title}`, async () => {
      await runOne(check, factory, options);
    });
  }
}

export interface ConformanceFailure {
  readonly rule: string;
  readonly title: string;
  readonly error: unknown;
  readonly message: string;
}

export interface ConformanceReport {
  readonly passed: readonly string[];
  readonly failed: readonly ConformanceFailure[];
  /** Rules about a part the store does not have (a refresh lock, close()), so not checked. */
  readonly notApplicable: readonly string[];
  readonly ok: boolean;
}

/** Runs every check without a test runner and reports which rules hold and which are broken. */
export async function checkTokenStore<S extends TokenStore>(
  factory: StoreFactory<S>,
  options: ConformanceOptions<S> = {},
): Promise<ConformanceReport> {
  const passed: string[] = [];
  const failed: ConformanceFailure[] = [];
  const notApplicable: string[] = [];
  for (const check of conformanceCases(options)) {
    try {
      ((await runOne(check, factory, options)) ? passed : notApplicable).push(check.rule);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failed.push({ rule: check.rule, title: check.title, error, message });
    }
  }
  return { passed, failed, notApplicable, ok: failed.length === 0 };
}
