import type { ErrorCode } from './codes.js';

export interface TokenStoreErrorOptions {
  /** The underlying error. Kept non-enumerable so that logging the error does not dump driver internals. */
  cause?: unknown;
  /** A write failed after the server may have applied it: see `TokenStoreError.outcomeUnknown`. */
  outcomeUnknown?: boolean;
}

/**
 * The one error family of this library: a stable `code` and a message that says what to do.
 * Messages name fields, never their values, so no token or secret can reach a log through an error.
 */
export class TokenStoreError extends Error {
  override readonly name: string = 'TokenStoreError';
  readonly code: ErrorCode;
  /**
   * `true` on a failed write (a STORE_UNAVAILABLE save or delete) whose statement or COMMIT had reached the server
   * when the connection was lost: the server may have applied it, or not. Read the token again before assuming the
   * store is unchanged. Absent when the write is known not to have been applied. See docs/faults.md.
   */
  declare readonly outcomeUnknown?: true;

  constructor(code: ErrorCode, message: string, options: TokenStoreErrorOptions = {}) {
    super(message);
    this.code = code;
    if (options.outcomeUnknown === true) Object.defineProperty(this, 'outcomeUnknown', { value: true, enumerable: true });
    if (options.cause !== undefined) {
      Object.defineProperty(this, 'cause', { value: options.cause, enumerable: false, writable: true, configurable: true });
    }
  }
}

/** A caller mistake: wrong type or unusable value. A `TypeError`, so generic handlers treat it as a programming error. */
export class TokenArgumentError extends TypeError {
  override readonly name: string = 'TokenArgumentError';
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** True for any error raised by this library, whatever its class. */
export function isTokenStoreError(error: unknown): error is TokenStoreError | TokenArgumentError {
  return error instanceof TokenStoreError || error instanceof TokenArgumentError;
}
