/**
 * Every error this library throws carries one of these codes. Codes are public API: they never change meaning,
 * and code that handles errors should compare `error.code`, never the message.
 */
export const ErrorCode = {
  /** A store failed to read or write (engine error, I/O, lost connection). The official SDKs use the same code. */
  TOKEN_STORE: 'TOKEN_STORE',
  /** A token with an id or user but no access, refresh or grant token was given to `saveToken`. */
  TOKEN_INCOMPLETE: 'TOKEN_INCOMPLETE',
  /** Saving would give two stored tokens the same user name. */
  TOKEN_CONFLICT: 'TOKEN_CONFLICT',
  /** An argument has the wrong type or an unusable value (thrown as a `TypeError`). */
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  /** A store or engine option is invalid; nothing was opened or touched. */
  INVALID_CONFIG: 'INVALID_CONFIG',
  /** The store was used after `close()`. */
  STORE_CLOSED: 'STORE_CLOSED',
  /** An optional peer dependency (a database driver) is not installed. */
  DRIVER_MISSING: 'DRIVER_MISSING',
  /** The store's server or file cannot be reached now (refused, reset, timed out); retry later. */
  STORE_UNAVAILABLE: 'STORE_UNAVAILABLE',
  /** The store's server refused the credentials or permissions it was given. */
  STORE_ACCESS_DENIED: 'STORE_ACCESS_DENIED',
  /** Stored data is not in a format this library can read (a damaged file, a foreign table). */
  STORE_CORRUPT: 'STORE_CORRUPT',
  /** Encrypted values cannot be read with the keys given (wrong or missing key); nothing was changed. */
  KEY_INVALID: 'KEY_INVALID',
  /** No stored token matches the user or id asked for. */
  TOKEN_NOT_FOUND: 'TOKEN_NOT_FOUND',
  /** Zoho refused the grant or refresh token (`invalid_code`): the user must authorize the app again. */
  REAUTHORIZATION_REQUIRED: 'REAUTHORIZATION_REQUIRED',
  /** Zoho does not know the client id in this data center (`invalid_client`). */
  INVALID_CLIENT: 'INVALID_CLIENT',
  /** The client secret is wrong (`invalid_client_secret`). */
  INVALID_CLIENT_SECRET: 'INVALID_CLIENT_SECRET',
  /** Zoho throttled the request ("Access Denied", too many requests); retry after the advised delay. */
  THROTTLED: 'THROTTLED',
  /** The accounts server failed or could not be reached after every retry (5xx, timeout, reset). */
  ACCOUNTS_UNAVAILABLE: 'ACCOUNTS_UNAVAILABLE',
  /** The accounts server answered something this library cannot read, or an OAuth error it does not map. */
  ACCOUNTS_PROTOCOL: 'ACCOUNTS_PROTOCOL',
  /** A Zoho API call was refused for the token after one refresh and retry (401). */
  API_UNAUTHORIZED: 'API_UNAUTHORIZED',
  /**
   * Another caller (this process or another) is refreshing the token and did not finish within this caller's wait
   * (`refreshLock.waitMs` or its AbortSignal); nothing was sent by this caller. Retry.
   */
  REFRESH_IN_PROGRESS: 'REFRESH_IN_PROGRESS',
  /**
   * A grant exchange named an accounts server that is neither a Zoho data center's nor one the TokenManager was
   * given (an authorize redirect can be forged): nothing was sent to it. Give your own server to the manager
   * (`environment` / `environments`) to allow it.
   */
  UNTRUSTED_ACCOUNTS_SERVER: 'UNTRUSTED_ACCOUNTS_SERVER',
} as const;

/** One of the codes above: `error.code` has this type, so a `switch` over it can be checked for exhaustiveness. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
/** The same as the type `ErrorCode` (its earlier name). */
export type ErrorCodeValue = ErrorCode;
