import { ErrorCode } from '../errors/codes.js';
import { isTokenStoreError } from '../errors/token-store-error.js';
import { CliError } from './cli-error.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';

/** What the user sees for a failure: one line, an optional hint, and the exit code. */
export interface ErrorReport {
  readonly exitCode: ExitCodeValue;
  /** The library's error code, or the CLI's own (`USAGE`, `STORE_NOT_FOUND`…): what `--json` reports. */
  readonly code: string;
  /** The line printed: the message, with `[CODE]` after it for the library's errors. */
  readonly message: string;
  /** The message alone (the `--json` error's `message`). */
  readonly plainMessage: string;
  readonly hint: string | null;
}

const EXIT_OF_CODE: Partial<Record<string, ExitCodeValue>> = {
  [ErrorCode.INVALID_ARGUMENT]: ExitCode.USAGE,
  [ErrorCode.INVALID_CONFIG]: ExitCode.USAGE,
  [ErrorCode.DRIVER_MISSING]: ExitCode.USAGE,
  [ErrorCode.TOKEN_NOT_FOUND]: ExitCode.NOT_FOUND,
  [ErrorCode.REAUTHORIZATION_REQUIRED]: ExitCode.REAUTHORIZE,
  [ErrorCode.STORE_UNAVAILABLE]: ExitCode.UNAVAILABLE,
  [ErrorCode.ACCOUNTS_UNAVAILABLE]: ExitCode.UNAVAILABLE,
  [ErrorCode.THROTTLED]: ExitCode.UNAVAILABLE,
};

const HINT_OF_CODE: Partial<Record<string, string>> = {
  [ErrorCode.REAUTHORIZATION_REQUIRED]: 'run `zoho-tokens login` for this user to authorize the app again',
  [ErrorCode.INVALID_CLIENT]: 'check the client id and the data center (--dc or --accounts-url)',
  [ErrorCode.INVALID_CLIENT_SECRET]: 'check the client secret stored with the token (or --client-secret)',
  [ErrorCode.THROTTLED]: 'Zoho allows 10 access tokens per refresh token in 10 minutes; wait and retry',
  [ErrorCode.ACCOUNTS_UNAVAILABLE]: 'check the network and the accounts URL, then retry',
  [ErrorCode.STORE_UNAVAILABLE]: "check that the store's server is running and reachable, then retry",
  [ErrorCode.STORE_ACCESS_DENIED]: 'check the user name, password and grants in the store location',
  [ErrorCode.STORE_CORRUPT]: 'repair the store (or point --store at another one); nothing was changed',
  [ErrorCode.TOKEN_STORE]: 'rerun with --debug to see the underlying error',
  [ErrorCode.UNTRUSTED_ACCOUNTS_SERVER]: 'start the login again; to use an accounts server of your own, pass its URL with --accounts-url',
  [ErrorCode.KEY_INVALID]: 'set ZOHO_TOKENS_KEYS (id:base64,…) or ZOHO_TOKENS_KEY_FILE to every key the store was written with',
};

/** Translates any thrown value to what the user sees. Messages of this library never hold a secret. */
export function reportOf(error: unknown): ErrorReport {
  if (error instanceof CliError) {
    return { exitCode: error.exitCode, code: error.code, message: error.message, plainMessage: error.message, hint: error.hint };
  }
  if (isTokenStoreError(error)) {
    const unknownHost = error.code === ErrorCode.STORE_UNAVAILABLE && (error.cause as { code?: unknown } | undefined)?.code === 'ENOTFOUND';
    return {
      exitCode: EXIT_OF_CODE[error.code] ?? ExitCode.FAILED,
      code: error.code,
      message: `${error.message} [${error.code}]`,
      plainMessage: error.message,
      hint: unknownHost ? 'check the host name in the store location (--store)' : (HINT_OF_CODE[error.code] ?? null),
    };
  }
  // Anything else is unexpected: its message may come from a driver and could quote a value, so it is not shown.
  const name = (error as { name?: unknown } | null)?.name;
  const message = `Unexpected ${typeof name === 'string' ? name : 'error'}.`;
  return { exitCode: ExitCode.FAILED, code: 'UNEXPECTED', message, plainMessage: message, hint: 'rerun with --debug to see the details' };
}
