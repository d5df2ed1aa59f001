/**
 * The exit codes of `zoho-tokens`, documented in docs/cli.md. Scripts may rely on them: they never change meaning.
 */
export const ExitCode = {
  /** Done. */
  OK: 0,
  /** The operation failed (a store or server error, a failed check, some tokens not copied). */
  FAILED: 1,
  /** The command line, an option, a store location or the configuration is wrong; nothing was done. */
  USAGE: 2,
  /** No stored token matches the id or user asked for. */
  NOT_FOUND: 3,
  /** Zoho refused the grant or refresh token: the user must authorize the app again (`zoho-tokens login`). */
  REAUTHORIZE: 4,
  /** The store or the accounts server cannot be reached now, or Zoho throttled the request: retry later. */
  UNAVAILABLE: 5,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
