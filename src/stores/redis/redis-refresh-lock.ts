import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../../errors/codes.js';
import { TokenArgumentError } from '../../errors/token-store-error.js';
import type { RefreshLease, RefreshLockOptions, RefreshLockProvider } from '../../contract/refresh-lock.js';
import { sleep } from '../../time/sleep.js';
import { Backoff } from './backoff.js';
import type { RedisConnection } from './redis-connection.js';
import type { RedisKeys } from './redis-keys.js';
import { RELEASE } from './redis-scripts.js';

function checkMs(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TokenArgumentError(ErrorCode.INVALID_ARGUMENT, `acquireRefreshLock needs "${name}" as a number of milliseconds, 0 or more.`);
  }
  return value;
}

/**
 * The refresh lock for every process and host that reaches the server: `SET key owner NX PX leaseMs`. A holder
 * that dies releases by expiry; release is a compare-and-delete, so a holder whose lease ran out cannot free
 * the lock a later holder took. Waiters poll with backoff until `waitMs`, then resolve `null` (re-read).
 */
export class RedisRefreshLock implements RefreshLockProvider {
  readonly refreshLockScope = 'cluster' as const;
  readonly #connection: RedisConnection;
  readonly #keys: RedisKeys;
  /** Leases whose release could not reach the server, by lock key: deleted by the next taker here, not waited for. */
  readonly #unreleased = new Map<string, string>();

  constructor(connection: RedisConnection, keys: RedisKeys) {
    this.#connection = connection;
    this.#keys = keys;
  }

  async acquireRefreshLock(key: string, options: RefreshLockOptions): Promise<RefreshLease | null> {
    const waitMs = checkMs('waitMs', options.waitMs);
    // PX needs at least 1 ms; a lease is rounded up to whole milliseconds.
    const leaseMs = Math.max(1, Math.ceil(checkMs('leaseMs', options.leaseMs)));
    const { signal } = options;
    signal?.throwIfAborted();
    const lockKey = this.#keys.refreshLock(key);
    const owner = randomUUID();
    const deadline = Date.now() + waitMs;
    const backoff = new Backoff(5, 100);
    await this.#deleteUnreleased(lockKey);
    for (;;) {
      const taken = await this.#connection.run((client) => client.set(lockKey, owner, 'PX', leaseMs, 'NX'));
      if (taken === 'OK') {
        const lease = this.#lease(lockKey, owner);
        if (signal?.aborted) {
          await lease.release();
          signal.throwIfAborted();
        }
        return lease;
      }
      const left = deadline - Date.now();
      if (left <= 0) return null;
      await sleep(Math.min(backoff.next(), left), signal);
    }
  }

  /** Compare-and-delete of a finished lease of this store whose release failed (a no-op if it expired or was taken over). */
  async #deleteUnreleased(lockKey: string): Promise<void> {
    const owner = this.#unreleased.get(lockKey);
    if (owner === undefined) return;
    try {
      await this.#connection.run((client) => RELEASE.run(client, [lockKey], [owner]));
      this.#unreleased.delete(lockKey);
    } catch {
      // Still unreachable: taking the lock below fails the same way, with the typed error.
    }
  }

  #lease(lockKey: string, owner: string): RefreshLease {
    let released: Promise<void> | null = null;
    return {
      // A release that cannot reach the server resolves anyway: the lease expires on its own, and a caller
      // releasing in `finally` should not have its result replaced by a lock error. The next taker in this
      // process deletes it meanwhile, rather than wait for it to expire.
      release: () =>
        (released ??= this.#connection
          .run((client) => RELEASE.run(client, [lockKey], [owner]))
          .then(
            () => undefined,
            () => void this.#unreleased.set(lockKey, owner),
          )),
    };
  }
}
