import { randomUUID } from 'node:crypto';
import type { LookupField } from '../../contract/matching-rule.js';
import type { TokenBackend, TokenWriter } from '../../contract/token-backend.js';
import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import type { RefreshLease, RefreshLockOptions } from '../../contract/refresh-lock.js';
import type { TokenRecord } from '../../token/token-fields.js';
import { RedisConnection } from './redis-connection.js';
import { compareAndSetPart, deletePart, joinParts } from './redis-declared-keys.js';
import { RedisKeys } from './redis-keys.js';
import type { RedisStoreConfig } from './redis-options.js';
import { OptimisticWrites, type CompareAndSetOutcome, type LockedWrite } from '../../kernel/write/optimistic-writes.js';
import { RedisLookup } from './redis-lookup.js';
import { rawOfRecord, recordFromHash, type RedisRow } from './redis-record.js';
import { EngineLock } from '../../kernel/lock/engine-lock.js';
import { RedisLockEngine } from './redis-lock.js';
import { COMPARE_AND_SET, DELETE, RELEASE } from './redis-scripts.js';
import { nextVersion, VERSION_FIELD } from './redis-version.js';
import { RedisWrite } from './redis-write.js';
import { WriteLockWait } from './redis-write-lock-wait.js';

// Tokens read or deleted per batch by getTokens and deleteTokens: bounds memory and the time one script
// keeps the server busy.
const BATCH = 500;
// Reads again of the tokens of one delete that changed between its read and its script.
const STALE_DELETES = 5;
// Lookup keys (two per token: id and user name) whose last version this process keeps for compare-and-set saves.
const VERSION_CACHE_KEYS = 50_000;
// The unique keys: a cached token found by one of them is proven current by the compare-and-set alone.
const UNIQUE_FIELDS: readonly LookupField[] = ['id', 'userName'];
const toRecord = (row: RedisRow | null): TokenRecord | null => row?.record ?? null;
const asRow = (row: RedisRow | null): RedisRow | null => row;

/**
 * Tokens in Redis hashes with a sorted-set index per looked-up value (layout in redis-keys.ts). Every lookup
 * is one round trip (redis-lookup.ts). A save that updates a token this process has seen is one
 * compare-and-set script; other writes are serialised across processes by a short write lock and applied
 * atomically by a script (redis-write.ts); deletes respect the same lock.
 */
export class RedisBackend implements TokenBackend {
  readonly refreshLockScope = 'cluster' as const;
  readonly #connection: RedisConnection;
  readonly #keys: RedisKeys;
  readonly #config: RedisStoreConfig;
  readonly #refreshLock: EngineLock;
  readonly #lookup: RedisLookup;
  // Writes of this process queue (so they do not compete with each other for the server's lock).
  readonly #writes: OptimisticWrites<RedisRow>;

  constructor(config: RedisStoreConfig) {
    this.#config = config;
    this.#connection = new RedisConnection(config);
    this.#keys = new RedisKeys(config.keyPrefix);
    this.#refreshLock = new EngineLock(new RedisLockEngine(this.#connection), {
      scope: 'cluster',
      queueLocally: true,
      poll: { firstMs: 5, maxMs: 100 },
      nameOf: (key) => this.#keys.refreshLock(key),
    });
    this.#lookup = new RedisLookup(this.#keys);
    this.#writes = new OptimisticWrites<RedisRow>(
      {
        read: (field, value) => this.#read(field, value, asRow),
        compareAndSet: (previous, next) => this.#compareAndSet(previous, next),
        lockedWrite: (work) => this.#lockedWrite(work),
      },
      { cacheKeys: VERSION_CACHE_KEYS, fields: UNIQUE_FIELDS, serialise: true },
    );
  }

  /**
   * One round trip (PING), so that an unreachable server or refused credentials fail `RedisStore.open`, typed. It is
   * bounded by `connectTimeoutMs`: a server that accepts the connection but never answers fails in that time too.
   */
  async open(): Promise<void> {
    try {
      await this.#connection.run((client) => client.ping(), this.#config.connectTimeoutMs);
    } catch (error) {
      if (error instanceof TokenStoreError) throw error;
      throw new TokenStoreError(ErrorCode.TOKEN_STORE, 'The Redis store could not ping its server; see the cause.', { cause: error });
    }
  }

  findBy(field: LookupField, value: string): Promise<TokenRecord | null> {
    return this.#read(field, value, toRecord);
  }

  /** One token, remembered as the version the next save of it starts from; `as` picks what to answer. */
  #read<R>(field: LookupField, value: string, as: (row: RedisRow | null) => R): Promise<R> {
    const lookup = this.#lookup;
    return this.#connection
      .run((client) => (field === 'id' ? lookup.byId(client, value) : lookup.byValue(client, field, value)))
      .then((row) => as(this.#writes.remember(row)));
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
    this.#writes.forgetId(id);
    return this.#writes.inTurn(async () => {
      const wait = new WriteLockWait(this.#config.writeLockWaitMs);
      // Only while no write holds the lock (a write that has read this token would otherwise bring it back), and only
      // from a read the token still matches (its index keys are declared from it): else read again.
      while ((await this.#deleteScript('', [id])) !== 1) await wait.pause();
      await this.#connection.replicated(this.#keys.ids, 'delete the token');
    });
  }

  deleteAll(): Promise<void> {
    this.#writes.forgetAll();
    return this.#exclusive(async (owner) => {
      const ids = await this.#connection.run((client) => client.smembers(this.#keys.ids));
      for (let start = 0; start < ids.length; start += BATCH) {
        if ((await this.#deleteScript(owner, ids.slice(start, start + BATCH))) !== 1) {
          throw new TokenStoreError(
            ErrorCode.STORE_UNAVAILABLE,
            "deleteTokens outlasted the Redis store's write lock (writeLockLeaseMs); some tokens remain. Call deleteTokens again.",
          );
        }
      }
      await this.#connection.replicated(this.#keys.ids, 'delete the tokens');
    });
  }

  /**
   * The kernel's save loop (OptimisticWrites), one save at a time per process: an update of a token this process has
   * seen is one compare-and-set script, which writes only while the hash still holds the version read and no writer
   * holds the write lock; every other save runs under the write lock (redis-write.ts), whose commit a
   * compare-and-set cannot overtake.
   */
  write<T>(work: (writer: TokenWriter) => Promise<T>): Promise<T> {
    return this.#writes.write(work);
  }

  async #compareAndSet(previous: RedisRow, next: TokenRecord): Promise<CompareAndSetOutcome<RedisRow>> {
    if (previous.version === null) return 'locked'; // a hash written before versions existed: the locked path gives it one
    const raw = rawOfRecord(next);
    const changes = compareAndSetPart(this.#keys, previous.raw, raw);
    if (changes === null) {
      // Nothing to write: the save is done if the token still holds the version read (the save then took effect at
      // that moment, before any locked write's commit, which starts from that same version).
      const now = await this.#connection.run((client) => client.hget(this.#keys.record(next.id), VERSION_FIELD));
      return now === previous.version ? { applied: previous } : 'stale';
    }
    const version = nextVersion();
    const keys = [this.#keys.writeLock, this.#keys.record(next.id), ...changes.keys];
    const args = [previous.version, version, next.id, ...changes.args];
    const done = await this.#connection.runWrite((client) => COMPARE_AND_SET.run(client, keys, args), 'save the token');
    if (done !== 1) return 'stale';
    await this.#connection.replicated(this.#keys.ids, 'save the token');
    return { applied: { record: next, raw, version } };
  }

  async #lockedWrite<T>(work: (writer: TokenWriter) => Promise<T>): Promise<LockedWrite<T, RedisRow>> {
    const write = new RedisWrite(this.#connection, this.#keys, {
      leaseMs: this.#config.writeLockLeaseMs,
      waitMs: this.#config.writeLockWaitMs,
    });
    const value = await write.run(work);
    return { value, written: write.committed };
  }

  acquireRefreshLock(key: string, options: RefreshLockOptions): Promise<RefreshLease | null> {
    return this.#refreshLock.acquireRefreshLock(key, options);
  }

  async close(): Promise<void> {
    await this.#refreshLock.close();
    await this.#connection.close();
  }

  /**
   * Reads the tokens, then deletes them with every key declared (redis-declared-keys.ts). 1 done, 0 the lock is
   * someone else's; a token changed between the read and the delete is read again (at once: a compare-and-set
   * that just landed; a few times at most, since each one is a completed save).
   */
  async #deleteScript(owner: string, ids: readonly string[]): Promise<unknown> {
    for (let tries = 1; ; tries += 1) {
      const rows = await this.#connection.run((client) => this.#lookup.byIds(client, ids));
      const parts = ids.map((id, i) => deletePart(this.#keys, id, rows[i] ?? null));
      const { keys, args } = joinParts([this.#keys.writeLock, this.#keys.ids], [owner, this.#config.writeLockLeaseMs], parts);
      const done = await this.#connection.runWrite((client) => DELETE.run(client, keys, args), 'delete tokens');
      if (done !== 2) return done;
      if (tries === STALE_DELETES) {
        throw new TokenStoreError(
          ErrorCode.STORE_UNAVAILABLE,
          `The Redis store's tokens kept changing between a delete's read and its write (${STALE_DELETES} tries); nothing more was deleted. Retry.`,
        );
      }
    }
  }

  /** Runs `task` holding the write lock (taken, then released by compare-and-delete). */
  #exclusive(task: (owner: string) => Promise<void>): Promise<void> {
    return this.#writes.inTurn(async () => {
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
