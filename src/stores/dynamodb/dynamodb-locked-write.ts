import { randomUUID } from 'node:crypto';
import type { LookupField } from '../../contract/matching-rule.js';
import type { TokenWriter } from '../../contract/token-backend.js';
import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import { Poller } from '../../kernel/lock/poller.js';
import type { LockedWrite } from '../../kernel/write/optimistic-writes.js';
import type { TokenRecord } from '../../token/token-fields.js';
import type { DynamoDBConnection } from './dynamodb-connection.js';
import type { DynamoItem } from './dynamodb-driver.js';
import { isConditionFailed } from './dynamodb-errors.js';
import type { DynamoRow } from './dynamodb-item.js';
import { COUNTER_KEY, WRITE_LOCK_KEY } from './dynamodb-keys.js';
import type { LeaseItems } from './dynamodb-lease.js';
import type { DynamoDBLookup, UserIndexEntry } from './dynamodb-lookup.js';
import type { TokenWrites } from './dynamodb-write.js';

const WRITE_LOCK = (WRITE_LOCK_KEY.pk as { S: string }).S;
// Tries of a save without the lock before it takes the lock (each lost only to a concurrent write of the same key).
const OPTIMISTIC_ATTEMPTS = 3;
// Decimal ids a counter can hold exactly (the official column holds 10 digits).
const DECIMAL_ID = /^[1-9]\d{0,9}$/;

export interface WriteLockSettings {
  readonly leaseMs: number;
  readonly waitMs: number;
}

/** What one run of a save's work wants written: the record, and the row it replaces (null: a new token). */
interface Pending {
  readonly previous: DynamoRow | null;
  readonly record: TokenRecord;
}

/**
 * The saves that cannot be one compare-and-set (new tokens, new user names, lookups that found nothing): the work
 * reads with strongly consistent reads, its writes are buffered, and `TokenWrites` applies them in their safe order
 * with their conditions. Saves keyed by id or user name need nothing more (see `run`); saves keyed by a token value
 * take the table's write lock, a lease item (`lock#write`), across every process and host.
 */
export class DynamoDBWriteLock {
  readonly #connection: DynamoDBConnection;
  readonly #lookup: DynamoDBLookup;
  readonly #writes: TokenWrites;
  readonly #leases: LeaseItems;
  readonly #settings: WriteLockSettings;

  constructor(
    connection: DynamoDBConnection,
    lookup: DynamoDBLookup,
    writes: TokenWrites,
    leases: LeaseItems,
    settings: WriteLockSettings,
  ) {
    this.#connection = connection;
    this.#lookup = lookup;
    this.#writes = writes;
    this.#leases = leases;
    this.#settings = settings;
  }

  /** Runs `task` holding the write lock; `renew` keeps the lease from running out during a long task. */
  async exclusive<T>(task: (renew: () => Promise<void>) => Promise<T>): Promise<T> {
    const owner = randomUUID();
    const { leaseMs, waitMs } = this.#settings;
    const poller = new Poller({ waitMs, firstMs: 2, maxMs: 50 });
    while (!(await this.#leases.take(WRITE_LOCK, owner, leaseMs, 'take the write lock'))) {
      if (!(await poller.pause())) {
        throw new TokenStoreError(
          ErrorCode.STORE_UNAVAILABLE,
          `Another writer held the DynamoDB store's write lock for longer than writeLockWaitMs (${waitMs} ms); nothing was written. Retry later.`,
        );
      }
    }
    let renewedAt = Date.now();
    const renew = async (): Promise<void> => {
      if (Date.now() - renewedAt < leaseMs / 3) return;
      if (!(await this.#leases.extend(WRITE_LOCK, owner, leaseMs, 'extend the write lock'))) {
        throw new TokenStoreError(
          ErrorCode.STORE_UNAVAILABLE,
          `A write outlasted the DynamoDB store's write lock (writeLockLeaseMs, ${leaseMs} ms) and stopped. Retry, or raise writeLockLeaseMs.`,
        );
      }
      renewedAt = Date.now();
    };
    try {
      return await task(renew);
    } finally {
      // A failed release is left to the lease.
      await this.#leases.release(WRITE_LOCK, owner, 'release the write lock').catch(() => undefined);
    }
  }

  /**
   * Runs a save's work and applies its writes once it returns. A save whose lookups were all by a unique key (id,
   * user name) needs no lock: the conditions of its writes prove what those lookups found still holds when it
   * writes (a token's version; a free id; a user name without an index item, and every name a token holds has
   * one), so it runs without the lock first, and again when a condition failed. A save that looked a token up by a
   * value several tokens may share (an access, grant or refresh token) runs under the lock: no condition could
   * prove that a token with that value has not appeared since.
   */
  async run<T>(work: (writer: TokenWriter) => Promise<T>): Promise<LockedWrite<T, DynamoRow>> {
    for (let attempt = 1; attempt <= OPTIMISTIC_ATTEMPTS; attempt += 1) {
      const draft = new Draft(this.#connection, this.#lookup);
      const value = await work(draft.writer());
      if (draft.readShared) break;
      if (draft.pending.length === 0) return { value, written: [] };
      const written = await this.#commit(draft);
      if (written !== null) return { value, written };
    }
    return this.#locked(work);
  }

  /** Runs a save's work under the lock; a write whose conditions failed wrote nothing and runs again. */
  #locked<T>(work: (writer: TokenWriter) => Promise<T>): Promise<LockedWrite<T, DynamoRow>> {
    return this.exclusive(async (renew) => {
      for (let attempt = 1; ; attempt += 1) {
        const draft = new Draft(this.#connection, this.#lookup);
        const value = await work(draft.writer());
        if (draft.pending.length === 0) return { value, written: [] };
        await renew();
        const written = await this.#commit(draft);
        if (written !== null) return { value, written };
        if (attempt >= 5) {
          throw new TokenStoreError(
            ErrorCode.STORE_UNAVAILABLE,
            "A save kept finding its token changed under the DynamoDB store's write lock; nothing was written. Retry.",
          );
        }
      }
    });
  }

  /** Applies a draft's writes; null when a condition failed (nothing of the failed write remains). */
  async #commit(draft: Draft): Promise<DynamoRow[] | null> {
    const written: DynamoRow[] = [];
    for (const { previous, record } of draft.pending) {
      const name = record.userName;
      // Needed only when the token gains the name (TokenWrites.apply).
      const gains = name !== null && (previous === null || previous.version === null || previous.record.userName !== name);
      const userEntry = gains ? await draft.userEntry(name) : null;
      const row = await this.#writes.apply(previous, record, userEntry);
      if (row === 'stale') return null;
      written.push(row);
      if (previous === null && !draft.issued.has(record.id)) await this.#raiseCounter(record.id);
    }
    return written;
  }

  /** After a token saved with its own decimal id: the counter moves past it, so a new id never needs skipping it. */
  async #raiseCounter(id: string): Promise<void> {
    if (!DECIMAL_ID.test(id)) return;
    try {
      await this.#connection.send(
        'UpdateItem',
        {
          Key: COUNTER_KEY,
          UpdateExpression: 'SET n = :id',
          ConditionExpression: 'attribute_not_exists(n) OR n < :id',
          ExpressionAttributeValues: { ':id': { N: id } },
        },
        'advance the id counter',
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }
}

/** One run of a save's work under the lock: its reads, the ids it was given, and its buffered writes. */
class Draft {
  readonly #connection: DynamoDBConnection;
  readonly #lookup: DynamoDBLookup;
  readonly #read = new Map<string, DynamoRow>();
  readonly #users = new Map<string, UserIndexEntry | null>();
  readonly pending: Pending[] = [];
  readonly issued = new Set<string>();
  /** Whether the work looked a token up by a value several tokens may share. */
  readShared = false;

  constructor(connection: DynamoDBConnection, lookup: DynamoDBLookup) {
    this.#connection = connection;
    this.#lookup = lookup;
  }

  writer(): TokenWriter {
    return {
      findBy: (field, value) => this.#findBy(field, value),
      nextId: () => this.#nextId(),
      insert: (record) => void this.pending.push({ previous: null, record }),
      update: (record) => {
        const previous = this.#read.get(record.id);
        if (previous === undefined) {
          throw new TokenStoreError(
            ErrorCode.TOKEN_STORE,
            `The DynamoDB store cannot update token ${record.id} without reading it first in the same write.`,
          );
        }
        this.pending.push({ previous, record });
      },
    };
  }

  /** The user name's index item as read in this write (read now if it was not). */
  async userEntry(name: string): Promise<UserIndexEntry | null> {
    if (!this.#users.has(name)) this.#users.set(name, await this.#lookup.userIndex(name));
    return this.#users.get(name) ?? null;
  }

  async #findBy(field: LookupField, value: string): Promise<TokenRecord | null> {
    if (this.pending.length > 0) {
      // Writes are applied after the work, so a read after one would not see it. The store's save never does this.
      throw new TokenStoreError(ErrorCode.TOKEN_STORE, 'The DynamoDB store cannot read after writing within one write; read first.');
    }
    let row: DynamoRow | null;
    if (field === 'userName') {
      const entry = await this.userEntry(value);
      row = entry === null ? null : await this.#lookup.byId(entry.id);
      if (row !== null && row.record.userName !== value) row = null;
    } else {
      if (field !== 'id') this.readShared = true;
      row = await this.#lookup.byField(field, value);
    }
    if (row !== null) this.#read.set(row.record.id, row);
    return row?.record ?? null;
  }

  /** The next value of the table's counter (UpdateItem ADD): never handed out twice, never reused. */
  async #nextId(): Promise<string> {
    const output = await this.#connection.send<{ Attributes?: DynamoItem }>(
      'UpdateItem',
      {
        Key: COUNTER_KEY,
        UpdateExpression: 'ADD n :one',
        ExpressionAttributeValues: { ':one': { N: '1' } },
        ReturnValues: 'UPDATED_NEW',
      },
      'choose a new id',
    );
    const counted = output.Attributes?.n;
    if (counted === undefined || !('N' in counted)) {
      throw new TokenStoreError(
        ErrorCode.STORE_CORRUPT,
        "The DynamoDB store's id counter item holds no number; another program changed it.",
      );
    }
    this.issued.add(counted.N);
    return counted.N;
  }
}
