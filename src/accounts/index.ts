// zoho-token-store/accounts: the OAuth plumbing under TokenManager, for code that talks to an accounts server
// itself (an AccountsClient shared between managers, its retry policy, a standard server's endpoints).
// Applications find TokenManager, environments and the sign-in helpers at the package's root.

export {
  AccountsClient,
  type AccountsClientOptions,
  type ClientCredentials,
  type GrantExchange,
  type RefreshRequest,
  type RequestOptions,
  type CurrentUser,
  type AccountsAttempt,
} from './accounts-client.js';
export {
  oauthServerOf,
  basicCredentials,
  type OAuthServer,
  type OAuthServerSettings,
  type ClientAuthentication,
  type AuthorizationScheme,
} from './oauth-server.js';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';
export { DEFAULT_THROTTLE_RETRY_MS } from './error-body.js';
export type { TokenGrant } from './token-response.js';
