import { BackendTokenStore } from '../../kernel/backend-token-store.js';
import { storeParts } from '../../kernel/store-parts.js';
import { FileBackend } from './file-backend.js';
import { FILE_STORE, type FileStoreConfig, type FileStoreOptions } from './file-options.js';

/**
 * Tokens in the official SDKs' CSV file (`sdk_tokens.txt`), readable and writable by the official FileStore, done
 * safely: RFC 4180 quoting, atomic replacement with fsync, a cross-process lock around every read-modify-write,
 * lookups from hash indexes re-read only when the file changed, and a refresh lock shared by every process of the
 * host. The lock needs the optional package `proper-lockfile` (`npm install proper-lockfile`).
 *
 * ```ts
 * const store = await FileStore.open({ path: './sdk_tokens.txt' }); // checked now; `new FileStore(…)` is still accepted
 * ```
 */
export class FileStore extends BackendTokenStore {
  /** The validated options, absolute path included. */
  readonly config: FileStoreConfig;

  /** Validates the options (INVALID_CONFIG); the file and the lock package are first used by the first call. */
  constructor(options: FileStoreOptions = {}) {
    const { backend, config } = storeParts(FILE_STORE, options, (resolved) => new FileBackend(resolved));
    super(backend, `file store (${config.path})`);
    this.config = config;
  }

  /**
   * A store whose file was checked: the lock package is installed (DRIVER_MISSING), the path names a file in an
   * existing folder (INVALID_CONFIG), and an existing file is readable (STORE_ACCESS_DENIED) and well formed
   * (STORE_CORRUPT). A missing file is fine: the first save creates it.
   */
  static async open(options: FileStoreOptions = {}): Promise<FileStore> {
    return new FileStore(options).opened();
  }
}
