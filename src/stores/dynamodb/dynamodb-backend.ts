import type { LookupField } from '../../contract/matching-rule.js';
import type { TokenBackend, TokenWriter } from '../../contract/token-backend.js';
import type { RefreshLease, RefreshLockOptions } from '../../contract/refresh-lock.js';
import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import { EngineLock } from '../../kernel/lock/engine-lock.js';
import { OptimisticWrites, type CompareAndSetOutcome } from '../../kernel/write/optimistic-writes.js';
import { OFFICIAL_COLUMNS } from '../../token/official-columns.js';
import type { TokenRecord } from '../../token/token-fields.js';
import { recordToOfficialRow } from '../../token/official-columns.js';
import { DynamoDBConnection } from './dynamodb-connection.js';
import type { DynamoItem } from './dynamodb-driver.js';
import { rowOfItem, VERSION, type DynamoRow } from './dynamodb-item.js';
import { PK, refreshLockPk, SINGLE, SK, tokenKey } from './dynamodb-keys.js';
import { LeaseItems } from './dynamodb-lease.js';
import { DynamoDBLockEngine } from './dynamodb-lock.js';
import { DynamoDBWriteLock } from './dynamodb-locked-write.js';
import { DynamoDBLookup } from './dynamodb-lookup.js';
import type { DynamoDBStoreConfig } from './dynamodb-options.js';
import { prepareTable } from './dynamodb-table.js';
import { TokenWrites } from './dynamodb-write.js';

// Lookup keys (two per token: id and user name) whose last version this process keeps for compare-and-set saves.
const VERSION_CACHE_KEYS = 50_000;
// The unique keys: a cached token found by one of them is proven current by the compare-and-set alone.
const UNIQUE_FIELDS: readonly LookupField[] = ['id', 'userName'];
// BatchWriteItem takes at most 25 requests.
const BATCH = 25;
// A Scan's filter for the token items (`t#<id>`, sort key `#`).
const TOKEN_ITEMS = Object.freeze({
  FilterExpression: 'begins_with(pk, :t) AND sk = :single',
  ExpressionAttributeValues: { ':t': { S: 't#' }, ':single': { S: SINGLE } },
});

const sameRow = (a: DynamoRow['row'], b: DynamoRow['row']): boolean => OFFICIAL_COLUMNS.every((column) => a[column] === b[column]);
const toRecord = (row: DynamoRow | null): TokenRecord | null => row?.record ?? null;
const textOf = (item: DynamoItem, name: string): string => {
  const value = item[name];
  return value !== undefined && 'S' in value ? value.S : '';
};

/**
 * Tokens in one DynamoDB table (layout in dynamodb-keys.ts, docs/dynamodb-store.md). Every read is strongly
 * consistent. A save that updates a token this process has seen is a compare-and-set on the token item's version,
 * moving the index items of changed values in their safe order (dynamodb-write.ts); every other save runs under
 * the table's write lock (dynamodb-locked-write.ts). The refresh lock is a lease item per token.
 */
export class DynamoDBBackend implements TokenBackend {
  readonly refreshLockScope = 'cluster' as const;
  readonly #config: DynamoDBStoreConfig;
  readonly #connection: DynamoDBConnection;
  readonly #lookup: DynamoDBLookup;
  readonly #tokenWrites: TokenWrites;
  readonly #writeLock: DynamoDBWriteLock;
  readonly #refreshLock: EngineLock;
  readonly #writes: OptimisticWrites<DynamoRow>;
  #prepared: Promise<void> | null = null;

  constructor(config: DynamoDBStoreConfig) {
    this.#config = config;
    this.#connection = new DynamoDBConnection(config);
    this.#lookup = new DynamoDBLookup(this.#connection);
    this.#tokenWrites = new TokenWrites(this.#connection);
    const leases = new LeaseItems(this.#connection);
    this.#writeLock = new DynamoDBWriteLock(this.#connection, this.#lookup, this.#tokenWrites, leases, {
      leaseMs: config.writeLockLeaseMs,
      waitMs: config.writeLockWaitMs,
    });
    // Every try of a busy lock is a write (a request unit): callers of one process queue in memory first, so only
    // one of them polls the table. A waiter on this host is woken by the release; elsewhere each pause is a quarter
    // of the wait so far (growth 1.25): a release is noticed within about a quarter of the holder's time.
    const { endpoint, region } = config.clientSettings as { endpoint?: unknown; region?: unknown };
    const place = JSON.stringify([String(endpoint ?? ''), String(region ?? ''), config.table]);
    this.#refreshLock = new EngineLock(new DynamoDBLockEngine(leases, place), {
      scope: 'cluster',
      queueLocally: true,
      poll: { firstMs: 10, maxMs: 200, growth: 1.25 },
      nameOf: refreshLockPk,
    });
    this.#writes = new OptimisticWrites<DynamoRow>(
      {
        read: (field, value) => this.#lookup.byField(field, value),
        compareAndSet: (previous, next) => this.#compareAndSet(previous, next),
        lockedWrite: (work) => this.#writeLock.run(work),
      },
      { cacheKeys: VERSION_CACHE_KEYS, fields: UNIQUE_FIELDS, serialise: true },
    );
  }

  /** Loads the driver, then creates or checks the table (see prepareTable); a failed attempt is tried afresh. */
  open(): Promise<void> {
    this.#prepared ??= prepareTable(this.#connection, this.#config.createTable).catch((error: unknown) => {
      this.#prepared = null;
      throw error;
    });
    return this.#prepared;
  }

  findBy(field: LookupField, value: string): Promise<TokenRecord | null> {
    return this.#lookup.byField(field, value).then((row) => toRecord(this.#writes.remember(row)));
  }

  /** Every token item: a Scan of the table (strongly consistent), token items only. */
  async list(): Promise<TokenRecord[]> {
    const records: TokenRecord[] = [];
    await this.#scan(TOKEN_ITEMS, 'list tokens', (items) => {
      for (const item of items) {
        const row = rowOfItem(item);
        if (row !== null) records.push(row.record);
      }
    });
    return records;
  }

  /** Deletes the token item, then the index items of its values (only those still its own). */
  deleteById(id: string): Promise<void> {
    this.#writes.forgetId(id);
    return this.#writes.inTurn(async () => {
      const output = await this.#connection.send<{ Attributes?: DynamoItem }>(
        'DeleteItem',
        { Key: tokenKey(id), ReturnValues: 'ALL_OLD' },
        'delete a token',
      );
      const row = rowOfItem(output.Attributes);
      if (row === null) return;
      this.#lookup.forgetUser(row.record.userName);
      await this.#tokenWrites.dropIndex(TokenWrites.indexOf(row), id);
    });
  }

  /**
   * Deletes every token (the counter stays, so ids are not reused): a Scan of the token items, their deletion in
   * BatchWriteItem requests of 25, then the index items of their values, each only while it is still theirs (the
   * same rule as deleteToken's; an index item of a save running meanwhile is never removed under it).
   */
  deleteAll(): Promise<void> {
    this.#writes.forgetAll();
    return this.#writes.inTurn(async () => {
      const rows: DynamoRow[] = [];
      await this.#scan(TOKEN_ITEMS, 'delete all tokens', (items) => {
        for (const item of items) {
          const row = rowOfItem(item);
          if (row !== null) rows.push(row);
        }
      });
      for (let start = 0; start < rows.length; start += BATCH) {
        const batch = rows.slice(start, start + BATCH);
        await this.#deleteBatch(batch.map((row) => tokenKey(row.record.id)));
        for (const row of batch) this.#lookup.forgetUser(row.record.userName);
        await Promise.all(batch.map((row) => this.#tokenWrites.dropIndex(TokenWrites.indexOf(row), row.record.id)));
      }
    });
  }

  /** The kernel's save loop (OptimisticWrites), one save at a time per process. */
  write<T>(work: (writer: TokenWriter) => Promise<T>): Promise<T> {
    return this.#writes.write(work);
  }

  acquireRefreshLock(key: string, options: RefreshLockOptions): Promise<RefreshLease | null> {
    return this.#refreshLock.acquireRefreshLock(key, options);
  }

  async close(): Promise<void> {
    await this.#refreshLock.close();
    this.#connection.close();
  }

  /**
   * A save of a token this process has read, without the write lock. Nothing changed: one GetItem proves the token
   * still holds the version read (the save took effect then). Otherwise TokenWrites writes the token item only
   * while it holds that version, moving the index items of the values that changed.
   */
  async #compareAndSet(previous: DynamoRow, next: TokenRecord): Promise<CompareAndSetOutcome<DynamoRow>> {
    if (previous.version === null) return 'locked'; // not written by this store: the locked path gives it a version
    if (sameRow(previous.row, recordToOfficialRow(next))) {
      const output = await this.#connection.send<{ Item?: DynamoItem }>(
        'GetItem',
        {
          Key: tokenKey(next.id),
          ProjectionExpression: '#v',
          ExpressionAttributeNames: { '#v': VERSION },
          ConsistentRead: true,
        },
        'save a token',
      );
      return output.Item !== undefined && textOf(output.Item, VERSION) === previous.version ? { applied: previous } : 'stale';
    }
    const written = await this.#tokenWrites.apply(previous, next);
    return written === 'stale' ? 'stale' : { applied: written };
  }

  async #scan(input: Record<string, unknown>, action: string, take: (items: readonly DynamoItem[]) => void): Promise<void> {
    let start: DynamoItem | undefined;
    do {
      const output = await this.#connection.send<{ Items?: DynamoItem[]; LastEvaluatedKey?: DynamoItem }>(
        'Scan',
        { ...input, ConsistentRead: true, ...(start === undefined ? {} : { ExclusiveStartKey: start }) },
        action,
      );
      take(output.Items ?? []);
      start = output.LastEvaluatedKey;
    } while (start !== undefined);
  }

  /** Deletes up to 25 items, sending again what DynamoDB left unprocessed (throttling) with growing pauses. */
  async #deleteBatch(keys: readonly DynamoItem[]): Promise<void> {
    let requests = keys.map((key) => ({ DeleteRequest: { Key: { [PK]: key[PK], [SK]: key[SK] } } }));
    for (let pause = 20; requests.length > 0; pause = Math.min(pause * 2, 1_000)) {
      const output = await this.#connection.send<{ UnprocessedItems?: Record<string, typeof requests> }>(
        'BatchWriteItem',
        { RequestItems: { [this.#connection.table]: requests } },
        'delete all tokens',
      );
      requests = output.UnprocessedItems?.[this.#connection.table] ?? [];
      if (requests.length > 0) {
        if (pause >= 1_000) {
          throw new TokenStoreError(
            ErrorCode.STORE_UNAVAILABLE,
            "DynamoDB kept refusing deleteTokens' deletes (throttled); some tokens remain. Call deleteTokens again.",
          );
        }
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  }
}
