import type { BackendTokenStore } from '../../kernel/backend-token-store.js';
import type { EncryptionOptions } from '../../encryption/encryption-options.js';
import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import { engineOfScheme } from '../engines.js';
import { parseStoreLocation, type StoreLocation } from './store-location.js';

/**
 * Options of `openStore`: any option of the named store's own `open` (checked by it: an option the store does not
 * take is INVALID_CONFIG). The common ones are typed here.
 */
export interface OpenStoreOptions {
  /** Encrypt the tokens' secrets at rest with this key ring (every store); see docs/encryption.md. */
  readonly encryption?: EncryptionOptions;
  /** MySQL and PostgreSQL: the table (also `?table=` in the location). */
  readonly table?: string;
  /** PostgreSQL: the schema (also `?schema=`). */
  readonly schema?: string;
  /** Redis: the key prefix (also `?prefix=`). */
  readonly prefix?: string;
  /** MySQL, PostgreSQL, Redis: how long connecting may take before STORE_UNAVAILABLE. */
  readonly connectTimeoutMs?: number;
  readonly [option: string]: unknown;
}

/** The location's options and the caller's, each given once (an option in both must have the same value). */
function merged(location: StoreLocation, fromLocation: Record<string, unknown>, options: OpenStoreOptions): Record<string, unknown> {
  for (const [name, value] of Object.entries(fromLocation)) {
    if (options[name] !== undefined && options[name] !== value) {
      // Neither value is shown: "url" holds a password.
      throw new TokenStoreError(
        ErrorCode.INVALID_CONFIG,
        `openStore: option "${name}" is given by the ${location.scheme} location and by the options, with different values; give it once.`,
      );
    }
  }
  return { ...options, ...fromLocation };
}

/**
 * A location that is not a non-empty string must be a parsed one. `openStore(process.env.TOKEN_STORE)` with the
 * variable unset passes `undefined`: say so, rather than fail on reading its scheme.
 */
function checkedLocation(location: unknown): StoreLocation {
  if (typeof location === 'object' && location !== null && typeof (location as { scheme?: unknown }).scheme === 'string') {
    return location as StoreLocation;
  }
  const got =
    location === undefined
      ? 'undefined'
      : location === null
        ? 'null'
        : typeof location === 'string'
          ? 'an empty string'
          : `a ${typeof location}`;
  throw new TokenStoreError(
    ErrorCode.INVALID_CONFIG,
    `openStore needs a store location string such as 'sqlite:./zohooauth.db' or 'postgres://user@host/db', and got ${got}. ` +
      'Reading it from the environment, as openStore(process.env.TOKEN_STORE)? Then set that variable ' +
      "(TOKEN_STORE=sqlite:./zohooauth.db), or give a default: openStore(process.env.TOKEN_STORE ?? 'sqlite:./zohooauth.db'). " +
      'Every location form: docs/open-store.md.',
  );
}

/**
 * Opens the store a location string names, the way its own `open` does (validated, connected, tables ready), and
 * resolves to it; close it with `close()`. Only that store's module and driver are loaded.
 *
 * ```ts
 * const store = await openStore('sqlite:./zohooauth.db');
 * const shared = await openStore('redis://127.0.0.1:6379?prefix=crm:tokens:', { encryption });
 * ```
 *
 * Bad locations and options reject with INVALID_CONFIG, a driver that is not installed with DRIVER_MISSING, a
 * server that cannot be reached with STORE_UNAVAILABLE, refused credentials with STORE_ACCESS_DENIED. No message
 * repeats a password. Every location form is listed in docs/open-store.md.
 */
export async function openStore(location: string | StoreLocation, options: OpenStoreOptions = {}): Promise<BackendTokenStore> {
  if (typeof options !== 'object' || options === null) {
    throw new TokenStoreError(ErrorCode.INVALID_CONFIG, 'openStore: options must be an object.');
  }
  const parsed = typeof location === 'string' && location.trim() !== '' ? parseStoreLocation(location) : checkedLocation(location);
  const engine = engineOfScheme(parsed.scheme);
  if (engine === undefined) throw new TokenStoreError(ErrorCode.INVALID_CONFIG, 'openStore: the location names no store this library has.');
  return engine.open(merged(parsed, engine.optionsOf(parsed), options));
}
