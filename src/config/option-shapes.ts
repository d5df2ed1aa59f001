import { ErrorCode } from '../errors/codes.js';
import { TokenStoreError } from '../errors/token-store-error.js';
import { describeUnknown, unknownOption } from './unknown-options.js';

// Shape checks for options that take objects (a logger, a clock, a client) or functions. Each failure is
// INVALID_CONFIG naming the option and what it needs; messages never repeat a value, which may be a secret.

const invalid = (message: string): TokenStoreError => new TokenStoreError(ErrorCode.INVALID_CONFIG, message);

/** The longest delay a Node.js timer takes (2^31 − 1 ms, about 24.8 days); a longer one fires at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/** Whether `value` is an object (not null, not an array) with a function under every name of `methods`. */
export function hasMethods(value: unknown, methods: readonly string[]): boolean {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null || Array.isArray(value)) return false;
  return methods.every((method) => typeof (value as Record<string, unknown>)[method] === 'function');
}

/** Refuses an options object (`what`, e.g. `TokenManager option "retry"`) that is not a plain object or names an unknown option. */
export function checkOptionNames(
  what: string,
  value: unknown,
  known: readonly string[],
  aliases: Readonly<Record<string, string>> = {},
): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${what} must be an object.`);
  const unknown = unknownOption(value, known);
  if (unknown !== null) throw invalid(`${what}: ${describeUnknown(unknown, known, aliases)}`);
}

/** A logger: an object with debug, info, warn and error methods (a pino or winston logger, `consoleLogger()`). */
export function checkLogger(what: string, value: unknown): void {
  if (!hasMethods(value, ['debug', 'info', 'warn', 'error'])) {
    throw invalid(`${what} must have debug, info, warn and error methods (e.g. consoleLogger('info'), or a pino logger).`);
  }
}

/** A clock: an object with a now() method returning epoch milliseconds. */
export function checkClock(what: string, value: unknown): void {
  if (!hasMethods(value, ['now'])) throw invalid(`${what} must be an object with a now() method returning epoch milliseconds.`);
}

/** A fetch implementation: a function taking (input, init) as the global fetch does. */
export function checkFetch(what: string, value: unknown): void {
  if (typeof value !== 'function') {
    throw invalid(`${what} must be a function with the signature of the global fetch (input, init) => Promise<Response>.`);
  }
}
