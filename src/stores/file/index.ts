export { FileStore } from './file-store.js';
export { DEFAULT_FILE_NAME, type FileStoreOptions, type FileStoreConfig } from './file-store-config.js';
export { DEFAULT_HEADER, parseTokenFile, formatTokenFile, type TokenFileContent } from './token-file-format.js';
