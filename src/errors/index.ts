export { ErrorCode, type ErrorCodeValue } from './codes.js';
export { TokenStoreError, TokenArgumentError, isTokenStoreError, type TokenStoreErrorOptions } from './token-store-error.js';
