import { compareIds } from '../../contract/compare-ids.js';
import type { LookupField } from '../../contract/matching-rule.js';
import type { DynamoDBConnection } from './dynamodb-connection.js';
import type { DynamoItem } from './dynamodb-driver.js';
import { rowOfItem, type DynamoRow } from './dynamodb-item.js';
import { indexKey, indexPk, SK, tokenKey, type IndexedField, type SharedField } from './dynamodb-keys.js';

// User names whose id this process remembers (every API call looks one up): bounded memory.
const USER_IDS_KEPT = 10_000;
const ACTION = 'find a token';

/** A user name's index item as read: the id it names and the nonce of the write that put it. */
export interface UserIndexEntry {
  readonly id: string;
  readonly nonce: string | null;
}

const textOf = (item: DynamoItem | undefined, name: string): string | null => {
  const value = item?.[name];
  return value !== undefined && 'S' in value ? value.S : null;
};

/**
 * Strongly consistent lookups of one token (a read after any acknowledged write sees it, on any host). By id: one
 * GetItem. By a user name this process has found before: one GetItem of the token at the id it was found at (one
 * token per user name, so a token there that still holds the name is the answer); otherwise a GetItem of the
 * name's index item, then of the token. By an access, grant or refresh token: a Query of the value's index items
 * (one per id holding it), then a GetItem of the lowest id. The stored value is always compared, so an index item
 * left behind by an interrupted write, or a digest collision, never returns another token.
 */
export class DynamoDBLookup {
  readonly #connection: DynamoDBConnection;
  readonly #userIds = new Map<string, string>();
  // The id each token value was last found at: its GetItem goes out beside the index's Query (see #byShared).
  readonly #valueIds: Record<SharedField, Map<string, string>> = { accessToken: new Map(), grantToken: new Map(), refreshToken: new Map() };

  constructor(connection: DynamoDBConnection) {
    this.#connection = connection;
  }

  async byId(id: string): Promise<DynamoRow | null> {
    const output = await this.#connection.send<{ Item?: DynamoItem }>('GetItem', { Key: tokenKey(id), ConsistentRead: true }, ACTION);
    return rowOfItem(output.Item);
  }

  byField(field: LookupField, value: string): Promise<DynamoRow | null> {
    if (field === 'id') return this.byId(value);
    if (field === 'userName') return this.byUserName(value);
    return this.#byShared(field, value);
  }

  byUserName(name: string): Promise<DynamoRow | null> {
    const id = this.#userIds.get(name);
    if (id === undefined) return this.#byUserIndex(name);
    // A promise chain rather than async/await: this is every API call's lookup.
    return this.byId(id).then((row) => (row !== null && row.record.userName === name ? row : this.#byUserIndex(name)));
  }

  /** The user name's index item, whatever the token it names holds now. */
  async userIndex(name: string): Promise<UserIndexEntry | null> {
    const output = await this.#connection.send<{ Item?: DynamoItem }>(
      'GetItem',
      { Key: indexKey('userName', name, ''), ConsistentRead: true },
      ACTION,
    );
    const id = textOf(output.Item, 'id');
    return id === null ? null : { id, nonce: textOf(output.Item, 'w') };
  }

  /** Forgets where a user name was found (its token was deleted or renamed here). */
  forgetUser(name: string | null): void {
    if (name !== null) this.#userIds.delete(name);
  }

  async #byUserIndex(name: string): Promise<DynamoRow | null> {
    const entry = await this.userIndex(name);
    const row = entry === null ? null : await this.byId(entry.id);
    if (row === null || row.record.userName !== name) {
      this.#userIds.delete(name);
      return null;
    }
    if (this.#userIds.size >= USER_IDS_KEPT) this.#userIds.clear();
    this.#userIds.set(name, row.record.id);
    return row;
  }

  /**
   * The lowest id the value's index names whose token still holds the value. When this process found the value
   * before, that token's GetItem is sent beside the Query rather than after it: the same two reads, in the time
   * of one when the answer has not changed.
   */
  async #byShared(field: SharedField, value: string): Promise<DynamoRow | null> {
    const known = this.#valueIds[field];
    const guess = known.get(value);
    const early = guess === undefined ? null : this.byId(guess).catch(() => undefined);
    for (const id of await this.idsHolding(field, value)) {
      const row = (id === guess ? await early : undefined) ?? (await this.byId(id));
      if (row !== null && row.record[field] === value) {
        if (known.size >= USER_IDS_KEPT) known.clear();
        known.set(value, id);
        return row;
      }
    }
    known.delete(value);
    return null;
  }

  /** The ids a shared value's index items name, lowest first (getTokens' order). */
  async idsHolding(field: IndexedField, value: string): Promise<string[]> {
    const ids: string[] = [];
    let start: DynamoItem | undefined;
    do {
      const output = await this.#connection.send<{ Items?: DynamoItem[]; LastEvaluatedKey?: DynamoItem }>(
        'Query',
        {
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: indexPk(field, value) } },
          ProjectionExpression: SK,
          ConsistentRead: true,
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        },
        ACTION,
      );
      for (const item of output.Items ?? []) {
        const id = textOf(item, SK);
        if (id !== null) ids.push(id);
      }
      start = output.LastEvaluatedKey;
    } while (start !== undefined);
    return ids.sort(compareIds);
  }
}
