import { stat } from 'node:fs/promises';
import { ErrorCode } from '../../errors/codes.js';
import { isTokenStoreError } from '../../errors/token-store-error.js';
import { engineOfScheme } from '../../stores/engines.js';
import type { FileStore } from '../../stores/file/file-store.js';
import { openStore as openLibraryStore } from '../../stores/location/open-store.js';
import { CliError, usageError } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';
import { storeEncryption } from './cli-encryption.js';
import { inspectTokenFile } from './file-inspection.js';
import type { OpenedStore } from './opened-store.js';
import { parseStoreLocation, type StoreLocation } from '../../stores/location/store-location.js';

export interface CliOpenOptions {
  /**
   * The command adds tokens (login, import --to, migrate --to): a token file or SQLite database that does not
   * exist yet is created. Otherwise (every command that works on stored tokens) a missing file is STORE_NOT_FOUND
   * and nothing is created, so a mistyped path is not taken for an empty store.
   */
  readonly create?: boolean;
}

/** Server stores whose table the store creates unless told `createTable: false`. */
const TABLE_STORES: ReadonlySet<string> = new Set(['mysql', 'postgres', 'dynamodb']);

/** The store's own scheme (`mariadb:` is `mysql`), or the location's when no engine has it. */
const engineScheme = (location: StoreLocation): string => engineOfScheme(location.scheme)?.scheme ?? location.scheme;

/**
 * Opens the library store. Without `create`, a server store is opened with `createTable: false` whatever its
 * location says (no schema, table, lock table or database is created), so that a command working on stored tokens,
 * or a dry run, never creates a store.
 */
async function openLibrary(location: StoreLocation, create: boolean, encryption: ReturnType<typeof storeEncryption>) {
  const extra = encryption ? { encryption } : {};
  const engine = engineOfScheme(location.scheme);
  if (create || engine === undefined || !TABLE_STORES.has(engine.scheme)) return openLibraryStore(location, extra);
  return engine.open({ ...engine.optionsOf(location), ...extra, createTable: false });
}

/** A server store's "table does not exist" (refused because nothing may be created) as STORE_NOT_FOUND. */
function missingTable(location: StoreLocation, error: unknown): CliError | null {
  if (!TABLE_STORES.has(engineScheme(location))) return null;
  if (!isTokenStoreError(error) || error.code !== ErrorCode.INVALID_CONFIG || !/does not exist/.test(error.message)) return null;
  return new CliError(
    ExitCode.USAGE,
    `No store at ${location.display}: ${error.message.replace(/^[A-Za-z]+Store: /, '').replace(/;.*$|\. .*$/s, '')}.`,
    'check the location (table, schema, database); only login, import --to and migrate --to create a store',
    { code: 'STORE_NOT_FOUND', cause: error },
  );
}

/** Refuses a file or SQLite location whose file does not exist (exit 2, `STORE_NOT_FOUND`); creates nothing. */
async function assertStoreExists(location: StoreLocation): Promise<void> {
  if ((location.scheme !== 'file' && location.scheme !== 'sqlite') || location.path === null || location.path === ':memory:') return;
  try {
    await stat(location.path);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') return; // anything else is for the store to report
    throw new CliError(
      ExitCode.USAGE,
      `No store at ${location.display}: the file ${location.path} does not exist.`,
      'check the path; only login, import --to and migrate --to create a store',
      { code: 'STORE_NOT_FOUND' },
    );
  }
}

/**
 * Opens the store a location names (a string is parsed first) with the library's `openStore`, encrypted with the
 * key ring of the environment. Stores that live in one process (`memory:`, `list:`) are refused: a command's
 * tokens would be gone when it ends. A missing file, table or database is created only with `create`: otherwise it
 * is STORE_NOT_FOUND.
 */
export async function openStore(location: StoreLocation | string, options: CliOpenOptions = {}): Promise<OpenedStore> {
  const parsed = typeof location === 'string' ? parseStoreLocation(location) : location;
  if (parsed.scheme === 'memory' || parsed.scheme === 'list') {
    throw usageError(
      `A ${parsed.scheme}: store lives in one process: its tokens would be lost when the command ends.`,
      'name a file, a SQLite database or a server store',
    );
  }
  if (options.create !== true) await assertStoreExists(parsed);
  const encryption = storeEncryption();
  const create = options.create === true;
  let store: Awaited<ReturnType<typeof openLibraryStore>>;
  try {
    store = await openLibrary(parsed, create, encryption);
  } catch (error) {
    throw (create ? null : missingTable(parsed, error)) ?? error;
  }
  const close = () => store.close();
  if (parsed.scheme === 'file')
    return { store, location: parsed, close, inspect: () => inspectTokenFile((store as FileStore).config.path) };
  return { store, location: parsed, close };
}

/** Runs `work` with an opened store and always closes it. */
export async function withStore<T>(
  location: StoreLocation | string,
  work: (opened: OpenedStore) => Promise<T>,
  options: CliOpenOptions = {},
): Promise<T> {
  const opened = await openStore(location, options);
  try {
    return await work(opened);
  } finally {
    await opened.close();
  }
}
