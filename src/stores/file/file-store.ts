import { BackendTokenStore } from '../../kernel/backend-token-store.js';
import { encryptedBackend, storeEncryptionConfig } from '../../encryption/encrypting-backend.js';
import { FileBackend } from './file-backend.js';
import { fileStoreConfig, type FileStoreConfig, type FileStoreOptions } from './file-store-config.js';
import { openOrClose } from '../../kernel/open/open-or-close.js';

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
  readonly #backend: FileBackend;

  /** Validates the options (INVALID_CONFIG); the file and the lock package are first used by the first call. */
  constructor(options: FileStoreOptions = {}) {
    const config = fileStoreConfig(options);
    const encryption = storeEncryptionConfig(options.encryption, 'FileStore');
    const backend = new FileBackend(config);
    super(encryptedBackend(backend, encryption), `file store (${config.path})`);
    this.config = config;
    this.#backend = backend;
  }

  /**
   * A store whose file was checked: the lock package is installed (DRIVER_MISSING), the path names a file in an
   * existing folder (INVALID_CONFIG), and an existing file is readable (STORE_ACCESS_DENIED) and well formed
   * (STORE_CORRUPT). A missing file is fine: the first save creates it.
   */
  static async open(options: FileStoreOptions = {}): Promise<FileStore> {
    const store = new FileStore(options);
    return openOrClose(store, () => store.#backend.open());
  }
}
