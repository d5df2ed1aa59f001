import { resolve } from 'node:path';
import { ErrorCode } from '../../errors/codes.js';
import { TokenArgumentError } from '../../errors/token-store-error.js';
import type { EncryptionOptions } from '../../encryption/encryption-options.js';
import type { StoreSpec } from '../../kernel/store-parts.js';

export interface FileStoreOptions {
  /**
   * The token file. Default `sdk_tokens.txt`, the official SDKs' name, in the working directory at construction;
   * a relative path is resolved then too, so a later `chdir` does not move the store.
   */
  readonly path?: string;
  /** fsync the new file and its directory on every write (default true). `false` trades crash durability for speed. */
  readonly fsync?: boolean;
  /** Permission bits of the file this store writes (default 0o600: owner only, as the file holds secrets). */
  readonly mode?: number;
  /** A write lock not renewed for this long is taken over: how long a crashed writer can block the others (default 5,000; at least 2,000). */
  readonly lockStaleMs?: number;
  /** How long a write waits for the lock before failing with STORE_UNAVAILABLE (default 30,000). */
  readonly lockWaitMs?: number;
  /** Encrypt the tokens' secrets at rest with this key ring; see docs/encryption.md. */
  readonly encryption?: EncryptionOptions;
}

export interface FileStoreConfig {
  readonly path: string;
  /** The write lock: a directory beside the file. */
  readonly lockPath: string;
  readonly fsync: boolean;
  readonly mode: number;
  readonly lockStaleMs: number;
  readonly lockWaitMs: number;
}

export const DEFAULT_FILE_NAME = 'sdk_tokens.txt';
// `encryption` is reserved for the option that encrypts token values.
const KNOWN_OPTIONS = ['path', 'fsync', 'mode', 'lockStaleMs', 'lockWaitMs', 'encryption'];

const invalid = (message: string): TokenArgumentError => new TokenArgumentError(ErrorCode.INVALID_CONFIG, `FileStore: ${message}`);

function whole(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min || value > max) throw invalid(`"${name}" must be a whole number from ${min} to ${max}.`);
  return value;
}

/** Validates the options, fills the defaults and freezes the result. Touches nothing on disk. */
export function fileStoreConfig(options: FileStoreOptions = {}): FileStoreConfig {
  const path = options.path ?? DEFAULT_FILE_NAME;
  if (typeof path !== 'string' || path.trim() === '' || path.includes('\0')) throw invalid('"path" must be a non-empty file path.');
  if (options.fsync !== undefined && typeof options.fsync !== 'boolean') throw invalid('"fsync" must be true or false.');
  const absolute = resolve(path);
  return Object.freeze({
    path: absolute,
    lockPath: `${absolute}.lock`,
    fsync: options.fsync ?? true,
    mode: whole('mode', options.mode, 0o600, 0, 0o777),
    lockStaleMs: whole('lockStaleMs', options.lockStaleMs, 5_000, 2_000, 3_600_000),
    lockWaitMs: whole('lockWaitMs', options.lockWaitMs, 30_000, 0, 3_600_000),
  });
}

/** What the kernel builds a FileStore from. */
export const FILE_STORE: StoreSpec<FileStoreOptions, FileStoreConfig> = {
  name: 'FileStore',
  label: 'file store',
  options: KNOWN_OPTIONS,
  resolve: fileStoreConfig,
};
