import { ExitCode, type ExitCodeValue } from './exit-codes.js';

/**
 * An error the CLI reports as one line plus a hint, with the exit code it decides. Commands throw it for
 * problems they detect themselves; errors of the library are translated by `reportOf` in error-report.ts.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly exitCode: ExitCodeValue;
  readonly hint: string | null;

  constructor(exitCode: ExitCodeValue, message: string, hint: string | null = null, options: { cause?: unknown } = {}) {
    super(message);
    this.exitCode = exitCode;
    this.hint = hint;
    if (options.cause !== undefined) {
      Object.defineProperty(this, 'cause', { value: options.cause, enumerable: false, writable: true, configurable: true });
    }
  }
}

export const usageError = (message: string, hint: string | null = null): CliError => new CliError(ExitCode.USAGE, message, hint);
