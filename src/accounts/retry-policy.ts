import { ErrorCode } from '../errors/codes.js';
import { TokenStoreError } from '../errors/token-store-error.js';

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

const positiveInteger = (value: unknown, min: number): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= min;

export function retryPolicyOf(options: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...options };
  const check = (name: keyof RetryPolicy, min: number): void => {
    if (!positiveInteger(policy[name], min)) {
      throw new TokenStoreError(ErrorCode.INVALID_CONFIG, `retry.${name} must be a whole number of at least ${min}.`);
    }
  };
  check('attempts', 1);
  check('baseDelayMs', 0);
  check('maxDelayMs', 0);
  check('timeoutMs', 1);
  return Object.freeze(policy);
}

/** The wait before retry number `retry` (1 for the first retry). */
export function backoffDelayMs(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}
