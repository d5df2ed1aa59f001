import { ExitCode, type ExitCodeValue } from './exit-codes.js';

/** The `code` a CLI error carries in `--json` output when it names none: one per exit code. */
const CODE_OF_EXIT: Readonly<Record<ExitCodeValue, string>> = {
  [ExitCode.OK]: 'OK',
  [ExitCode.FAILED]: 'FAILED',
  [ExitCode.USAGE]: 'USAGE',
  [ExitCode.NOT_FOUND]: 'TOKEN_NOT_FOUND',
  [ExitCode.REAUTHORIZE]: 'REAUTHORIZATION_REQUIRED',
  [ExitCode.UNAVAILABLE]: 'UNAVAILABLE',
};

/**
 * An error the CLI reports as one line plus a hint, with the exit code it decides. Commands throw it for
 * problems they detect themselves; errors of the library are translated by `reportOf` in error-report.ts.
 * `code` is what `--json` reports (`STORE_NOT_FOUND`, …; by default one per exit code, such as `USAGE`).
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly exitCode: ExitCodeValue;
  readonly hint: string | null;
  readonly code: string;
  /** The command's `--json` document already reports this failure (doctor's checks, migrate's failures): no error document follows it. */
  readonly inResult: boolean;

  constructor(
    exitCode: ExitCodeValue,
    message: string,
    hint: string | null = null,
    options: { cause?: unknown; code?: string; inResult?: boolean } = {},
  ) {
    super(message);
    this.exitCode = exitCode;
    this.hint = hint;
    this.code = options.code ?? CODE_OF_EXIT[exitCode];
    this.inResult = options.inResult === true;
    if (options.cause !== undefined) {
      Object.defineProperty(this, 'cause', { value: options.cause, enumerable: false, writable: true, configurable: true });
    }
  }
}

export const usageError = (message: string, hint: string | null = null): CliError => new CliError(ExitCode.USAGE, message, hint);
