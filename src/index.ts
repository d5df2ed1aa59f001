export { ErrorCode, type ErrorCodeValue } from './errors/codes.js';
export { TokenStoreError, TokenArgumentError, isTokenStoreError, type TokenStoreErrorOptions } from './errors/token-store-error.js';

export { OAuthToken, type OAuthTokenInit } from './token/oauth-token.js';
export { UserSignature } from './token/user-signature.js';
export { type TokenRecord, SECRET_FIELDS, type SecretField } from './token/token-fields.js';
export { maskSecret } from './token/mask.js';
export {
  OFFICIAL_COLUMNS,
  type OfficialColumn,
  type OfficialRow,
  COLUMN_OF_FIELD,
  FIELD_OF_COLUMN,
  recordToOfficialRow,
  officialRowToRecord,
} from './token/official-columns.js';

export type { TokenStore } from './contract/token-store.js';
export { matchKeyOf, saveKeysOf, type MatchKey, type LookupField } from './contract/matching-rule.js';
export { compareIds } from './contract/compare-ids.js';
export type { TokenBackend, TokenReader, TokenWriter, MaybePromise } from './contract/token-backend.js';
export { BackendTokenStore } from './contract/backend-token-store.js';

export {
  supportsRefreshLock,
  type RefreshLockProvider,
  type RefreshLease,
  type RefreshLockOptions,
  type RefreshLockScope,
} from './lock/refresh-lock.js';
export { InProcessLock } from './lock/in-process-lock.js';
export { SerialQueue } from './lock/serial-queue.js';

export { loadOptional } from './drivers/load-optional.js';

export { MemoryStore } from './stores/memory/memory-store.js';
export { ListStore } from './stores/list/list-store.js';
