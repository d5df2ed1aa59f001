import { BackendTokenStore } from '../../contract/backend-token-store.js';
import { encryptedBackend, storeEncryptionConfig } from '../../encryption/encrypting-backend.js';
import { FileBackend } from './file-backend.js';
import { fileStoreConfig, type FileStoreConfig, type FileStoreOptions } from './file-store-config.js';

/**
 * Tokens in the official SDKs' CSV file (`sdk_tokens.txt`), readable and writable by the official FileStore, done
 * safely: RFC 4180 quoting, atomic replacement with fsync, a cross-process lock around every read-modify-write,
 * lookups from hash indexes re-read only when the file changed, and a refresh lock shared by every process of the
 * host. The lock needs the optional package `proper-lockfile` (`npm install proper-lockfile`).
 */
export class FileStore extends BackendTokenStore {
  /** The validated options, absolute path included. */
  readonly config: FileStoreConfig;

  constructor(options: FileStoreOptions = {}) {
    const config = fileStoreConfig(options);
    const encryption = storeEncryptionConfig(options.encryption, 'FileStore');
    super(encryptedBackend(new FileBackend(config), encryption), `file store (${config.path})`);
    this.config = config;
  }
}
