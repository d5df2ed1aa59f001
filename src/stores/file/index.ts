export { FileStore } from './file-store.js';
export { DEFAULT_FILE_NAME, type FileStoreOptions, type FileStoreConfig } from './file-options.js';
export { DEFAULT_HEADER, parseTokenFile, formatTokenFile, type TokenFileContent } from './file-format.js';
