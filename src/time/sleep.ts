/**
 * Resolves after `ms`, or rejects with the signal's reason when it aborts first (at once if already aborted).
 *
 * The timer is not unref()ed: every caller awaits this wait as part of an operation (a retry backoff, a lock
 * poll), and an unref()ed timer lets a process with nothing else pending exit in the middle of it, the promise
 * never settled and the operation silently lost. Each wait is bounded by its caller (a retry policy, `waitMs`).
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
