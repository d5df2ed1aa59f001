// zoho-token-store: what an application uses. Store authors: 'zoho-token-store/kernel'; code that talks to an
// accounts server itself: 'zoho-token-store/accounts'; tests: 'zoho-token-store/testing'; each database store: its
// own subpath ('zoho-token-store/sqlite', '/postgres', …).

export { ErrorCode, type ErrorCodeValue } from './errors/codes.js';
export { TokenStoreError, TokenArgumentError, isTokenStoreError, type TokenStoreErrorOptions } from './errors/token-store-error.js';

export { OAuthToken, type OAuthTokenInit } from './token/oauth-token.js';
export { UserSignature } from './token/user-signature.js';
export { maskSecret } from './token/mask.js';
export { MAX_TEXT_LENGTH, MAX_ID_LENGTH } from './token/validate-value.js';

export type { TokenStore } from './contract/token-store.js';
// The type openStore resolves to; store authors build on the class itself, in zoho-token-store/kernel.
export type { BackendTokenStore } from './kernel/backend-token-store.js';
export type { RefreshLockScope } from './contract/refresh-lock.js';
export type { EncryptionOptions, EncryptionKey } from './encryption/encryption-options.js';

export { MemoryStore, type MemoryStoreOptions } from './stores/memory/index.js';
export { ListStore, type ListStoreOptions } from './stores/list/index.js';
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
export { discoverEnvironment, type DiscoverEnvironmentOptions } from './accounts/discover-environment.js';
export { AccountsError, isAccountsError, type AccountsErrorOptions } from './accounts/accounts-error.js';
export {
  authorizationUrl,
  parseAuthorizationRedirect,
  type AuthorizationRequest,
  type AuthorizationRedirect,
} from './accounts/authorization.js';
export type { ParseAuthorizationRedirectOptions } from './accounts/authorization.js';
export { isKnownAccountsServer } from './accounts/known-accounts-server.js';
export { createPkcePair, type PkcePair } from './accounts/pkce.js';

export { TokenManager, type AccessOptions } from './lifecycle/token-manager.js';
export {
  DEFAULT_REFRESH_MARGIN_MS,
  DEFAULT_CACHE_MAX_AGE_MS,
  DEFAULT_LOCK_WAIT_MS,
  DEFAULT_LOCK_LEASE_MS,
  DEFAULT_LOCK_KEEP_ALIVE_MS,
  type TokenManagerOptions,
  type OAuthClientConfig,
} from './lifecycle/token-manager-options.js';
export type { TokenSelector } from './lifecycle/token-selector.js';
export type { TokenCredentials } from './lifecycle/token-cache.js';
export type { GrantCode } from './lifecycle/token-renewer.js';
export type { FetchInput } from './lifecycle/authenticated-fetch.js';
export type {
  LifecycleEventMap,
  LifecycleEventName,
  LifecycleListener,
  RenewalOutcome,
  RenewalStep,
  StoreKind,
  StoreOperationName,
  LockWaitResult,
  StoreOperationEvent,
  LockWaitEvent,
  AccountsRequestEvent,
} from './lifecycle/lifecycle-events.js';
export type { TelemetryOptions, OpenTelemetryApi } from './lifecycle/telemetry/otel-api.js';
export { Metric as TelemetryMetric, Attribute as TelemetryAttribute, Span as TelemetrySpan } from './lifecycle/telemetry/signal-names.js';
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
