import type { TokenBackend } from '../contract/token-backend.js';
import { checkKnownOptions } from '../config/unknown-options.js';
import { encryptedBackend, storeEncryptionConfig } from '../encryption/encrypting-backend.js';
import type { EncryptionOptions } from '../encryption/encryption-options.js';

/** What the kernel needs to know of a store to build it from its options. */
export interface StoreSpec<Options, Config> {
  /** The store's class, as messages name it (`PostgresStore`). */
  readonly name: string;
  /** What the store is, in messages (`PostgreSQL store`). */
  readonly label: string;
  /** Every option the store takes, `encryption` included: any other name is INVALID_CONFIG. */
  readonly options: readonly string[];
  /** The engine's own checks and defaults (INVALID_CONFIG); opens nothing. */
  resolve(options: Options): Config;
}

/** A store's parts, built from its options: what `BackendTokenStore`'s constructor takes, and the engine's own. */
export interface StoreParts<Config, Engine extends TokenBackend> {
  readonly config: Config;
  /** The engine's backend, for the store's engine-specific members. */
  readonly engine: Engine;
  /** What the store runs on: the engine, behind encryption when the options ask for it. */
  readonly backend: TokenBackend;
  readonly label: string;
}

/**
 * Builds a store's parts the same way for every engine: the options must be an object naming only known options,
 * the key ring is checked and its keys derived, the engine resolves its own options, then its backend is made and
 * wrapped for encryption. Every check runs before anything is opened, so a refusal leaves nothing behind.
 */
export function storeParts<Options extends { readonly encryption?: EncryptionOptions }, Config, Engine extends TokenBackend>(
  spec: StoreSpec<Options, Config>,
  options: Options | undefined,
  backendOf: (config: Config) => Engine,
): StoreParts<Config, Engine> {
  const given = options ?? ({} as Options);
  checkKnownOptions(spec.name, given, spec.options);
  const cipher = storeEncryptionConfig(given.encryption, spec.name);
  const config = spec.resolve(given);
  const engine = backendOf(config);
  return { config, engine, backend: encryptedBackend(engine, cipher), label: spec.label };
}
