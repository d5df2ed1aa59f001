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
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];
