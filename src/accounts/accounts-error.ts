import type { ErrorCodeValue } from '../errors/codes.js';
import { TokenStoreError } from '../errors/token-store-error.js';

export interface AccountsErrorOptions {
  cause?: unknown;
  /** The OAuth `error` name the server answered (`invalid_code`, `Access Denied`…), never a token value. */
  oauthError?: string | null;
  /** The HTTP status of the last answer, or null when there was none (timeout, reset). */
  status?: number | null;
  /** For THROTTLED: how long to wait before trying again, in milliseconds. */
  retryAfterMs?: number | null;
  /** The request may have been processed though no answer came (a refresh that timed out after it was sent). */
  outcomeUnknown?: boolean;
}

/**
 * A failure of the accounts server (exchange, refresh, revoke, current user). Its `code` says what to do:
 * REAUTHORIZATION_REQUIRED, INVALID_CLIENT, INVALID_CLIENT_SECRET, THROTTLED (with `retryAfterMs`),
 * ACCOUNTS_UNAVAILABLE (after every retry) or ACCOUNTS_PROTOCOL. Nothing on it holds a token or a secret.
 */
export class AccountsError extends TokenStoreError {
  override readonly name: string = 'AccountsError';
  readonly oauthError: string | null;
  readonly status: number | null;
  readonly retryAfterMs: number | null;

  constructor(code: ErrorCodeValue, message: string, options: AccountsErrorOptions = {}) {
    super(code, message, { cause: options.cause, outcomeUnknown: options.outcomeUnknown });
    this.oauthError = options.oauthError ?? null;
    this.status = options.status ?? null;
    this.retryAfterMs = options.retryAfterMs ?? null;
  }
}

export function isAccountsError(error: unknown): error is AccountsError {
  return error instanceof AccountsError;
}
