import type { RefreshLockOptions } from '../../contract/refresh-lock.js';
import { ErrorCode } from '../../errors/codes.js';
import { TokenArgumentError } from '../../errors/token-store-error.js';
import { MAX_TIMER_MS } from '../../config/option-shapes.js';

// setTimeout fires at once for delays past MAX_TIMER_MS; longer waits and leases are capped there.
export { MAX_TIMER_MS };

const isMilliseconds = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;

/**
 * The one check of `acquireRefreshLock`'s options, made by every store before its engine sees them: `waitMs` 0 or
 * more, `leaseMs` more than 0, `keepAliveMs` 0 or more when given, all finite numbers of milliseconds, `signal` an
 * AbortSignal when given. Resolves to the options with every bound capped at what a timer can hold.
 */
export function checkRefreshLockOptions(options: RefreshLockOptions): RefreshLockOptions {
  const given = options as Partial<RefreshLockOptions> | null | undefined;
  if (
    typeof given !== 'object' ||
    given === null ||
    !isMilliseconds(given.waitMs) ||
    !isMilliseconds(given.leaseMs) ||
    given.leaseMs === 0 ||
    (given.keepAliveMs !== undefined && !isMilliseconds(given.keepAliveMs)) ||
    (given.signal !== undefined && !(given.signal instanceof AbortSignal))
  ) {
    throw new TokenArgumentError(
      ErrorCode.INVALID_ARGUMENT,
      'acquireRefreshLock needs { waitMs, leaseMs } as milliseconds (waitMs 0 or more, leaseMs more than 0) and, optionally, keepAliveMs (0 or more) and an AbortSignal as signal.',
    );
  }
  return {
    waitMs: Math.min(given.waitMs, MAX_TIMER_MS),
    leaseMs: Math.min(given.leaseMs, MAX_TIMER_MS),
    keepAliveMs: Math.min(given.keepAliveMs ?? 0, MAX_TIMER_MS),
    signal: given.signal,
  };
}
