import { ErrorCode } from '../errors/codes.js';
import { TokenStoreError } from '../errors/token-store-error.js';
import { checkOptionNames, MAX_TIMER_MS } from '../config/option-shapes.js';

/**
 * How the accounts client retries transient failures (5xx, timeouts, resets, refused connections): at most
 * `attempts` tries, waiting a random time in [0, min(maxDelayMs, baseDelayMs × 2^(n−1))] before the n-th retry
 * ("full jitter", so processes that failed together do not retry together).
 */
export interface RetryPolicy {
  /** Tries in all, the first included (default 4). 1 turns retries off. */
  readonly attempts: number;
  /** Default 200 ms. */
  readonly baseDelayMs: number;
  /** Default 3,000 ms. */
  readonly maxDelayMs: number;
  /**
   * Each try is abandoned after this long and counts as transient (default 60,000 ms: a slow accounts server still
   * answers within one try, and a refresh is sent once instead of being cut off and sent again).
   */
  readonly timeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({ attempts: 4, baseDelayMs: 200, maxDelayMs: 3_000, timeoutMs: 60_000 });

const RETRY_OPTIONS = ['attempts', 'baseDelayMs', 'maxDelayMs', 'timeoutMs'];
// Names other libraries give the same settings.
const RETRY_ALIASES: Readonly<Record<string, string>> = {
  tries: 'attempts',
  retries: 'attempts',
  maxAttempts: 'attempts',
  maxRetries: 'attempts',
  timeout: 'timeoutMs',
  delay: 'baseDelayMs',
  delayMs: 'baseDelayMs',
  minDelayMs: 'baseDelayMs',
  maxDelay: 'maxDelayMs',
};

/**
 * The policy with the defaults filled in. INVALID_CONFIG for an unknown setting (`tries`: did you mean `attempts`?)
 * and for a value that is not a whole number in range (delays and the timeout are timers: at most 2^31 − 1 ms).
 */
export function retryPolicyOf(options: Partial<RetryPolicy> = {}, what = 'retry'): RetryPolicy {
  checkOptionNames(`The ${what} option`, options, RETRY_OPTIONS, RETRY_ALIASES);
  const given = Object.entries(options).filter(([, value]) => value !== undefined);
  const policy = { ...DEFAULT_RETRY_POLICY, ...Object.fromEntries(given) } as RetryPolicy;
  const check = (name: keyof RetryPolicy, min: number, max: number): void => {
    const value: unknown = policy[name];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new TokenStoreError(ErrorCode.INVALID_CONFIG, `${what}.${name} must be a whole number from ${min} to ${max}.`);
    }
  };
  check('attempts', 1, 100);
  check('baseDelayMs', 0, MAX_TIMER_MS);
  check('maxDelayMs', 0, MAX_TIMER_MS);
  check('timeoutMs', 1, MAX_TIMER_MS);
  return Object.freeze(policy);
}

/** The wait before retry number `retry` (1 for the first retry). */
export function backoffDelayMs(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}
