import { randomUUID } from 'node:crypto';
import type { LookupField } from '../../contract/matching-rule.js';
import type { TokenWriter } from '../../contract/token-backend.js';
import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import type { TokenRecord } from '../../token/token-fields.js';
import type { RedisConnection } from './redis-connection.js';
import { INDEXES, type RedisKeys } from './redis-keys.js';
import { commitPart, joinParts } from './redis-declared-keys.js';
import { type RawRow, rawOfRecord, recordToFields, type RedisRow, ROW_FIELDS, rowFromHash, rowFromRaw } from './redis-record.js';
import { COMMIT, FIND, LOCK_AND_FIND, RELEASE } from './redis-scripts.js';
import { nextVersion, VERSION_FIELD } from './redis-version.js';
import { WriteLockWait } from './redis-write-lock-wait.js';

export interface WriteLockSettings {
  readonly leaseMs: number;
  readonly waitMs: number;
}

/** The commit script found the lock gone (its lease ran out): nothing was written, the work may run again. */
class LockLost extends Error {}
/** The commit script found a token not as this write read it (or an insert's id taken): nothing was written. */
class Stale extends Error {}

// Runs of one write whose commit found a token changed since its read. Under the write lock only a writer that
// ignores it changes a token, or an id taken outside the counter (a token saved with its own id): the run after
// that takes free ids only; more than a few means something keeps writing behind the lock.
const STALE_RUNS = 5;

/**
 * One serialised write across every process and host that shares the prefix: a short write lock
 * (`SET lock owner NX PX lease`) taken in the same round trip as the write's first read, then every insert and
 * update buffered and applied by one script that checks the lock is still this write's, writes token hashes,
 * index entries and the id set together, and releases the lock. If the work fails, the buffer is dropped and
 * the lock released: nothing was written. If the lease ran out before the commit, nothing is written and the
 * work runs again while the wait bound allows. The commit declares every key it writes (redis-declared-keys.ts),
 * computed from the tokens as this write read them; if one of them changed since (or an inserted id is taken), the
 * commit writes nothing and the work runs again from fresh reads.
 */
export class RedisWrite {
  readonly #connection: RedisConnection;
  readonly #keys: RedisKeys;
  readonly #lock: WriteLockSettings;
  readonly #wait: WriteLockWait;
  #owner = '';
  #locked = false;
  #pending = new Map<string, { readonly record: TokenRecord; readonly insert: boolean }>();
  // Each token this run read, by id: what the commit requires its hash still to hold.
  #read = new Map<string, RedisRow | null>();
  // After a commit found an inserted id taken: nextId then checks that each id it gives is free.
  #checkIds = false;
  /** The rows the commit wrote, with their new versions, once `run` has resolved. */
  committed: readonly RedisRow[] = [];

  constructor(connection: RedisConnection, keys: RedisKeys, lock: WriteLockSettings) {
    this.#connection = connection;
    this.#keys = keys;
    this.#lock = lock;
    this.#wait = new WriteLockWait(lock.waitMs);
  }

  async run<T>(work: (writer: TokenWriter) => Promise<T>): Promise<T> {
    let staleRuns = 0;
    for (;;) {
      this.#owner = randomUUID();
      this.#locked = false;
      this.#pending = new Map();
      this.#read = new Map();
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
        if (error instanceof Stale) {
          staleRuns += 1;
          this.#checkIds = true;
          if (staleRuns < STALE_RUNS) continue;
          throw new TokenStoreError(
            ErrorCode.STORE_UNAVAILABLE,
            `The Redis store's tokens kept changing between a save's read and its write, under the write lock (${STALE_RUNS} tries); nothing was written. Retry; check that no other program writes under the store's key prefix.`,
          );
        }
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
      insert: (record) => this.#buffer(record, true),
      update: (record) => this.#buffer(record, false),
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
      const row = await this.#connection.run(async (client) =>
        field === 'id'
          ? rowFromRaw((await client.hmget(key, ...ROW_FIELDS)) as RawRow)
          : rowFromHash(await FIND.run(client, [key], [this.#keys.prefix, column, value])),
      );
      return this.#remember(field, value, row);
    }
    for (;;) {
      const reply = await this.#connection.run((client) =>
        LOCK_AND_FIND.run(client, [this.#keys.writeLock, key], [this.#owner, this.#lock.leaseMs, this.#keys.prefix, column, value]),
      );
      if (reply !== 0) {
        this.#locked = true;
        return this.#remember(field, value, rowFromHash(reply));
      }
      await this.#wait.pause();
    }
  }

  #remember(field: LookupField, value: string, row: RedisRow | null): TokenRecord | null {
    if (row !== null) this.#read.set(row.record.id, row);
    else if (field === 'id') this.#read.set(value, null);
    return row?.record ?? null;
  }

  async #nextId(): Promise<string> {
    await this.#ensureLocked();
    return this.#connection.run(async (client) => {
      for (;;) {
        // INCR alone: the commit declares the new token's key and refuses an id whose hash exists.
        const id = String(await client.incr(this.#keys.seq));
        if (!this.#checkIds || (await client.exists(this.#keys.record(id))) === 0) return id;
      }
    });
  }

  async #buffer(record: TokenRecord, insert: boolean): Promise<void> {
    await this.#ensureLocked();
    this.#pending.set(record.id, { record, insert });
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
    await this.#readUnread();
    const parts = [];
    const rows: RedisRow[] = [];
    for (const { record, insert } of this.#pending.values()) {
      const version = nextVersion();
      const fields = recordToFields(record);
      fields.push(VERSION_FIELD, version);
      const raw = rawOfRecord(record);
      parts.push(commitPart(this.#keys, record.id, insert ? null : (this.#read.get(record.id) ?? null), raw, fields));
      rows.push({ record, raw, version });
    }
    const { keys, args } = joinParts([this.#keys.writeLock, this.#keys.ids], [this.#owner], parts);
    const done = await this.#connection.runWrite((client) => COMMIT.run(client, keys, args), 'save the token');
    this.#locked = false;
    if (done === 2) throw new Stale();
    if (done !== 1) throw new LockLost();
    this.committed = rows;
    await this.#connection.replicated(this.#keys.ids, 'save the token');
  }

  /** Reads the tokens updated without a read of their id in this run (the store's saves always read first). */
  async #readUnread(): Promise<void> {
    const unread = [...this.#pending.values()].filter(({ record, insert }) => !insert && !this.#read.has(record.id));
    for (const { record } of unread) {
      const row = await this.#connection.run(async (client) =>
        rowFromRaw((await client.hmget(this.#keys.record(record.id), ...ROW_FIELDS)) as RawRow),
      );
      this.#read.set(record.id, row);
    }
  }

  /** Releases the lock if this write holds it. A failure is ignored: the lease ends the lock anyway. */
  async #release(): Promise<void> {
    if (!this.#locked) return;
    this.#locked = false;
    await this.#connection.run((client) => RELEASE.run(client, [this.#keys.writeLock], [this.#owner])).catch(() => undefined);
  }
}
