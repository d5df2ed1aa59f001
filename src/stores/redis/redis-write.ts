import { randomUUID } from 'node:crypto';
import type { LookupField } from '../../contract/matching-rule.js';
import type { TokenWriter } from '../../contract/token-backend.js';
import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import type { TokenRecord } from '../../token/token-fields.js';
import type { RedisConnection } from './redis-connection.js';
import { INDEXES, type RedisKeys } from './redis-keys.js';
import { rawOfRecord, recordFromHash, recordToFields, type RedisRow } from './redis-record.js';
import { COMMIT, FIND, LOCK_AND_FIND, NEXT_ID, RELEASE } from './redis-scripts.js';
import { nextVersion, VERSION_FIELD } from './redis-version.js';
import { WriteLockWait } from './redis-write-lock-wait.js';

export interface WriteLockSettings {
  readonly leaseMs: number;
  readonly waitMs: number;
}

/** The commit script found the lock gone (its lease ran out): nothing was written, the work may run again. */
class LockLost extends Error {}

/**
 * One serialised write across every process and host that shares the prefix: a short write lock
 * (`SET lock owner NX PX lease`) taken in the same round trip as the write's first read, then every insert and
 * update buffered and applied by one script that checks the lock is still this write's, writes token hashes,
 * index entries and the id set together, and releases the lock. If the work fails, the buffer is dropped and
 * the lock released: nothing was written. If the lease ran out before the commit, nothing is written and the
 * work runs again while the wait bound allows.
 */
export class RedisWrite {
  readonly #connection: RedisConnection;
  readonly #keys: RedisKeys;
  readonly #lock: WriteLockSettings;
  readonly #wait: WriteLockWait;
  #owner = '';
  #locked = false;
  #pending = new Map<string, TokenRecord>();
  /** The rows the commit wrote, with their new versions, once `run` has resolved. */
  committed: readonly RedisRow[] = [];

  constructor(connection: RedisConnection, keys: RedisKeys, lock: WriteLockSettings) {
    this.#connection = connection;
    this.#keys = keys;
    this.#lock = lock;
    this.#wait = new WriteLockWait(lock.waitMs);
  }

  async run<T>(work: (writer: TokenWriter) => Promise<T>): Promise<T> {
    for (;;) {
      this.#owner = randomUUID();
      this.#locked = false;
      this.#pending = new Map();
      let result: T;
      try {
        result = await work(this.#writer());
      } catch (error) {
        await this.#release();
        throw error;
      }
      try {
        await this.#commit();
        return result;
      } catch (error) {
        if (!(error instanceof LockLost)) throw error;
        if (this.#wait.expired) {
          throw new TokenStoreError(
            ErrorCode.STORE_UNAVAILABLE,
            `The Redis store's writes kept outlasting their write lock (writeLockLeaseMs, ${this.#lock.leaseMs} ms); nothing was written. Retry, or raise writeLockLeaseMs.`,
          );
        }
      }
    }
  }

  #writer(): TokenWriter {
    return {
      findBy: (field, value) => this.#findBy(field, value),
      nextId: () => this.#nextId(),
      insert: (record) => this.#buffer(record),
      update: (record) => this.#buffer(record),
    };
  }

  async #findBy(field: LookupField, value: string): Promise<TokenRecord | null> {
    if (this.#pending.size > 0) {
      // Writes are applied at the commit, so a read after one would not see it. The store's save never does
      // this (it reads, then writes once); refuse rather than answer from a stale view.
      throw new TokenStoreError(ErrorCode.TOKEN_STORE, 'The Redis store cannot read after writing within one write; read first.');
    }
    const key = field === 'id' ? this.#keys.record(value) : this.#keys.index(field, value);
    const column = field === 'id' ? '' : INDEXES[field].column;
    if (this.#locked) {
      const reply = await this.#connection.run((client) =>
        field === 'id' ? client.hgetall(key) : FIND.run(client, [key], [this.#keys.prefix, column, value]),
      );
      return recordFromHash(reply);
    }
    for (;;) {
      const reply = await this.#connection.run((client) =>
        LOCK_AND_FIND.run(client, [this.#keys.writeLock, key], [this.#owner, this.#lock.leaseMs, this.#keys.prefix, column, value]),
      );
      if (reply !== 0) {
        this.#locked = true;
        return recordFromHash(reply);
      }
      await this.#wait.pause();
    }
  }

  async #nextId(): Promise<string> {
    await this.#ensureLocked();
    const id = await this.#connection.run((client) => NEXT_ID.run(client, [this.#keys.seq], [this.#keys.prefix]));
    return String(id);
  }

  async #buffer(record: TokenRecord): Promise<void> {
    await this.#ensureLocked();
    this.#pending.set(record.id, record);
  }

  async #ensureLocked(): Promise<void> {
    if (this.#locked) return;
    for (;;) {
      const taken = await this.#connection.run((client) => client.set(this.#keys.writeLock, this.#owner, 'PX', this.#lock.leaseMs, 'NX'));
      if (taken === 'OK') {
        this.#locked = true;
        return;
      }
      await this.#wait.pause();
    }
  }

  async #commit(): Promise<void> {
    if (!this.#locked) return;
    if (this.#pending.size === 0) {
      await this.#release();
      return;
    }
    const args: Array<string | number> = [this.#owner, this.#keys.prefix];
    const rows: RedisRow[] = [];
    for (const record of this.#pending.values()) {
      const version = nextVersion();
      const fields = recordToFields(record);
      fields.push(VERSION_FIELD, version);
      args.push(record.id, fields.length / 2, ...fields);
      rows.push({ record, raw: rawOfRecord(record), version });
    }
    const done = await this.#connection.run((client) => COMMIT.run(client, [this.#keys.writeLock], args));
    this.#locked = false;
    if (done !== 1) throw new LockLost();
    this.committed = rows;
    await this.#connection.replicated(this.#keys.ids, 'save the token');
  }

  /** Releases the lock if this write holds it. A failure is ignored: the lease ends the lock anyway. */
  async #release(): Promise<void> {
    if (!this.#locked) return;
    this.#locked = false;
    await this.#connection.run((client) => RELEASE.run(client, [this.#keys.writeLock], [this.#owner])).catch(() => undefined);
  }
}
