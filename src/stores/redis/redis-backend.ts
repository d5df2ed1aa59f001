import { randomUUID } from 'node:crypto';
import type { LookupField } from '../../contract/matching-rule.js';
import type { TokenBackend, TokenWriter } from '../../contract/token-backend.js';
import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import type { RefreshLease, RefreshLockOptions } from '../../lock/refresh-lock.js';
import { SerialQueue } from '../../lock/serial-queue.js';
import type { TokenRecord } from '../../token/token-fields.js';
import { RedisConnection } from './redis-connection.js';
import { INDEXES, RedisKeys } from './redis-keys.js';
import type { RedisStoreConfig } from './redis-options.js';
import { recordFromHash } from './redis-record.js';
import { RedisRefreshLock } from './redis-refresh-lock.js';
import { DELETE, FIND, RELEASE } from './redis-scripts.js';
import { RedisWrite } from './redis-write.js';
import { WriteLockWait } from './write-lock-wait.js';

// Tokens read or deleted per batch by getTokens and deleteTokens: bounds memory and the time one script
// keeps the server busy.
const BATCH = 500;

/**
 * Tokens in Redis hashes with a sorted-set index per looked-up value (layout in redis-keys.ts). Every lookup
 * is one round trip; writes are serialised across processes by a short write lock and applied atomically by a
 * script (redis-write.ts); deletes respect the same lock.
 */
export class RedisBackend implements TokenBackend {
  readonly refreshLockScope = 'cluster' as const;
  readonly #connection: RedisConnection;
  readonly #keys: RedisKeys;
  readonly #config: RedisStoreConfig;
  readonly #refreshLock: RedisRefreshLock;
  // Writes of this process queue here first, so they do not compete with each other for the server's lock.
  readonly #writes = new SerialQueue();

  constructor(config: RedisStoreConfig) {
    this.#config = config;
    this.#connection = new RedisConnection(config);
    this.#keys = new RedisKeys(config.keyPrefix);
    this.#refreshLock = new RedisRefreshLock(this.#connection, this.#keys);
  }

  findBy(field: LookupField, value: string): Promise<TokenRecord | null> {
    if (field === 'id') {
      const key = this.#keys.record(value);
      return this.#connection.run((client) => client.hgetall(key)).then(recordFromHash);
    }
    const key = this.#keys.index(field, value);
    const args = [this.#keys.prefix, INDEXES[field].column, value];
    return this.#connection.run((client) => FIND.run(client, [key], args)).then(recordFromHash);
  }

  async list(): Promise<TokenRecord[]> {
    const ids = await this.#connection.run((client) => client.smembers(this.#keys.ids));
    const records: TokenRecord[] = [];
    for (let start = 0; start < ids.length; start += BATCH) {
      const batch = ids.slice(start, start + BATCH);
      const replies = await this.#connection.run(async (client) => {
        const pipeline = client.pipeline();
        for (const id of batch) pipeline.hgetall(this.#keys.record(id));
        // Per-command errors are thrown here, inside run(), so they are typed like any other.
        return ((await pipeline.exec()) ?? []).map(([error, reply]) => {
          if (error) throw error;
          return reply;
        });
      });
      for (const reply of replies) {
        const record = recordFromHash(reply);
        if (record) records.push(record); // deleted since SMEMBERS
      }
    }
    return records;
  }

  deleteById(id: string): Promise<void> {
    return this.#writes.run(async () => {
      const wait = new WriteLockWait(this.#config.writeLockWaitMs);
      // Only while no write holds the lock: a write that has read this token would otherwise bring it back.
      while ((await this.#deleteScript('', [id])) !== 1) await wait.pause();
    });
  }

  deleteAll(): Promise<void> {
    return this.#exclusive(async (owner) => {
      const ids = await this.#connection.run((client) => client.smembers(this.#keys.ids));
      for (let start = 0; start < ids.length; start += BATCH) {
        if ((await this.#deleteScript(owner, ids.slice(start, start + BATCH))) !== 1) {
          throw new TokenStoreError(
            ErrorCode.STORE_UNAVAILABLE,
            'deleteTokens outlasted the Redis store\'s write lock (writeLockLeaseMs); some tokens remain. Call deleteTokens again.',
          );
        }
      }
    });
  }

  write<T>(work: (writer: TokenWriter) => Promise<T>): Promise<T> {
    return this.#writes.run(() =>
      new RedisWrite(this.#connection, this.#keys, {
        leaseMs: this.#config.writeLockLeaseMs,
        waitMs: this.#config.writeLockWaitMs,
      }).run(work),
    );
  }

  acquireRefreshLock(key: string, options: RefreshLockOptions): Promise<RefreshLease | null> {
    return this.#refreshLock.acquireRefreshLock(key, options);
  }

  close(): Promise<void> {
    return this.#connection.close();
  }

  #deleteScript(owner: string, ids: readonly string[]): Promise<unknown> {
    const args = [owner, this.#config.writeLockLeaseMs, this.#keys.prefix, ...ids];
    return this.#connection.run((client) => DELETE.run(client, [this.#keys.writeLock], args));
  }

  /** Runs `task` holding the write lock (taken, then released by compare-and-delete). */
  #exclusive(task: (owner: string) => Promise<void>): Promise<void> {
    return this.#writes.run(async () => {
      const owner = randomUUID();
      const wait = new WriteLockWait(this.#config.writeLockWaitMs);
      const lockKey = this.#keys.writeLock;
      const leaseMs = this.#config.writeLockLeaseMs;
      while ((await this.#connection.run((client) => client.set(lockKey, owner, 'PX', leaseMs, 'NX'))) !== 'OK') {
        await wait.pause();
      }
      try {
        await task(owner);
      } finally {
        await this.#connection.run((client) => RELEASE.run(client, [lockKey], [owner])).catch(() => undefined);
      }
    });
  }
}
