export { ErrorCode, type ErrorCodeValue } from './errors/codes.js';
export { TokenStoreError, TokenArgumentError, isTokenStoreError, type TokenStoreErrorOptions } from './errors/token-store-error.js';

export { OAuthToken, type OAuthTokenInit } from './token/oauth-token.js';
export { UserSignature } from './token/user-signature.js';
export { type TokenRecord, SECRET_FIELDS, type SecretField } from './token/token-fields.js';
export { maskSecret } from './token/mask.js';
export { MAX_TEXT_LENGTH, MAX_ID_LENGTH } from './token/validate-value.js';
export { MAX_ENCRYPTED_SECRET_BYTES } from './encryption/envelope.js';
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
export {
  matchKeyOf,
  matchFieldOf,
  matchValueOf,
  saveKeysOf,
  type MatchKey,
  type MatchField,
  type LookupField,
} from './contract/matching-rule.js';
export { compareIds } from './contract/compare-ids.js';
export type { TokenBackend, TokenReader, TokenWriter, MaybePromise, ReencryptResult } from './contract/token-backend.js';
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

export {
  type EncryptionOptions,
  type EncryptionKey,
} from './encryption/encryption-options.js';
export { EncryptingBackend } from './encryption/encrypting-backend.js';
export { encryptTokenStore, EncryptedTokenStore } from './encryption/encrypted-token-store.js';

export { MemoryStore, type MemoryStoreOptions } from './stores/memory/memory-store.js';
export { ListStore, type ListStoreOptions } from './stores/list/list-store.js';
export { openStore, type OpenStoreOptions } from './stores/location/open-store.js';
export {
  parseStoreLocation,
  redactUrl,
  STORE_SCHEMES,
  type StoreLocation,
  type StoreScheme,
} from './stores/location/store-location.js';

export {
  DATA_CENTER_CODES,
  type DataCenterCode,
  type Environment,
  type EnvironmentKind,
  isDataCenterCode,
  zohoEnvironment,
  allZohoEnvironments,
  customEnvironment,
  environmentForApiDomain,
} from './accounts/data-centers.js';
export {
  oauthServerOf,
  basicCredentials,
  type OAuthServer,
  type OAuthServerSettings,
  type ClientAuthentication,
  type AuthorizationScheme,
} from './accounts/oauth-server.js';
export { discoverEnvironment, type DiscoverEnvironmentOptions } from './accounts/discover-environment.js';
export {
  AccountsClient,
  type AccountsClientOptions,
  type ClientCredentials,
  type GrantExchange,
  type RefreshRequest,
  type RequestOptions,
  type CurrentUser,
} from './accounts/accounts-client.js';
export { AccountsError, isAccountsError, type AccountsErrorOptions } from './accounts/accounts-error.js';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './accounts/retry-policy.js';
export { DEFAULT_THROTTLE_RETRY_MS } from './accounts/error-body.js';
export type { TokenGrant } from './accounts/token-response.js';
export {
  authorizationUrl,
  parseAuthorizationRedirect,
  type AuthorizationRequest,
  type AuthorizationRedirect,
} from './accounts/authorization.js';
export { createPkcePair, type PkcePair } from './accounts/pkce.js';

export { TokenManager } from './lifecycle/token-manager.js';
export {
  DEFAULT_REFRESH_MARGIN_MS,
  DEFAULT_CACHE_MAX_AGE_MS,
  DEFAULT_LOCK_WAIT_MS,
  DEFAULT_LOCK_LEASE_MS,
  type TokenManagerOptions,
  type OAuthClientConfig,
} from './lifecycle/token-manager-options.js';
export type { TokenSelector } from './lifecycle/token-selector.js';
export type { TokenCredentials } from './lifecycle/token-cache.js';
export type { GrantCode } from './lifecycle/token-renewer.js';
export type { FetchInput } from './lifecycle/authenticated-fetch.js';
export type { LifecycleEventMap, LifecycleEventName, LifecycleListener } from './lifecycle/lifecycle-events.js';
export {
  type Logger,
  type LogFields,
  type LogLevel,
  type LogEntry,
  LOG_LEVELS,
  silentLogger,
  levelLogger,
  consoleLogger,
} from './logging/logger.js';
export { type Clock, systemClock } from './time/clock.js';
