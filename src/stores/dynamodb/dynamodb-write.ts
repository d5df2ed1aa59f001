import type { TokenRecord } from '../../token/token-fields.js';
import { recordToOfficialRow } from '../../token/official-columns.js';
import type { DynamoDBConnection } from './dynamodb-connection.js';
import type { AttributeValue, DynamoItem } from './dynamodb-driver.js';
import { isConditionFailed } from './dynamodb-errors.js';
import { itemOfRecord, VERSION, type DynamoRow } from './dynamodb-item.js';
import { INDEXED_FIELDS, indexKey, tokenKey, type IndexedField } from './dynamodb-keys.js';
import type { UserIndexEntry } from './dynamodb-lookup.js';
import { nextVersion } from './dynamodb-version.js';

const ACTION = 'save a token';

/** An index item to put or delete: the field, the value and the nonce that goes with it. */
interface IndexChange {
  readonly field: IndexedField;
  readonly value: string;
  readonly nonce: string | null;
}

/**
 * One token's write, against the state it was read in, without a transaction (DynamoDB Local's emulators lack
 * TransactWriteItems, and each write here costs half the capacity a transactional one would). The order makes
 * every moment safe, a crash included:
 * 1. put the index items of the values the token gains (the user name's only if no other token holds it);
 * 2. write the token item, only if it still holds the version read (a new token: only if its id is free);
 * 3. delete the index items of the values it lost, each only while it still holds the nonce the token recorded for
 *    it, so an item put again since (the value came back) is kept.
 * An index item therefore exists for every value a token holds; one left behind by a write that failed at step 2,
 * or by a crash before step 3, names a token that no longer holds the value, and lookups, which compare the
 * stored value, pass over it. When step 2 finds the token changed, the items of step 1 are deleted again and the
 * write answers 'stale': nothing was written.
 */
export class TokenWrites {
  readonly #connection: DynamoDBConnection;

  constructor(connection: DynamoDBConnection) {
    this.#connection = connection;
  }

  /**
   * Writes `next` over `previous` (null: a new token). `userEntry` is the index item of `next`'s user name as read
   * in this write (null: there was none), needed when the token gains that name: an item naming this token is kept
   * as it is, one naming a token that no longer holds the name is taken over, and only while it is unchanged.
   */
  async apply(previous: DynamoRow | null, next: TokenRecord, userEntry: UserIndexEntry | null = null): Promise<DynamoRow | 'stale'> {
    const version = nextVersion();
    // A token without a version was written by something else: it gets every index item afresh.
    const known = previous !== null && previous.version !== null ? previous : null;
    const gained: IndexChange[] = [];
    const lost: IndexChange[] = [];
    const nonces = {} as Record<IndexedField, string | null>;
    for (const field of INDEXED_FIELDS) {
      const before = known?.record[field] ?? null;
      const after = next[field];
      if (before !== null && before !== after) lost.push({ field, value: before, nonce: known?.nonces[field] ?? null });
      if (after === null) nonces[field] = null;
      else if (after === before) nonces[field] = known?.nonces[field] ?? null;
      else if (field === 'userName' && userEntry?.id === next.id)
        nonces[field] = userEntry.nonce; // already this token's
      else {
        gained.push({ field, value: after, nonce: version });
        nonces[field] = version;
      }
    }
    const put = await Promise.allSettled(gained.map((change) => this.#putIndex(change, next.id, userEntry)));
    const putFailure = put.find((outcome) => outcome.status === 'rejected');
    if (putFailure !== undefined) {
      await this.dropIndex(
        gained.filter((_, i) => put[i]?.status === 'fulfilled'),
        next.id,
      ); // no token write was sent
      if (isConditionFailed(putFailure.reason)) return 'stale';
      throw putFailure.reason;
    }
    try {
      await this.#connection.send(
        'PutItem',
        {
          Item: itemOfRecord(next, version, nonces),
          ...this.#condition(previous),
        },
        ACTION,
      );
    } catch (error) {
      // A failure that is not a refusal (a timeout, a lost connection) may hide a write that happened: its index
      // items must stay. A refusal wrote nothing: its own puts go, by nonce.
      if (!isConditionFailed(error)) throw error;
      // The SDK sends a request again when an answer is lost: the refusal may be of a retry of a write that was done.
      if (!(await this.#holds(next.id, version))) {
        await this.dropIndex(gained, next.id);
        return 'stale';
      }
    }
    await this.dropIndex(lost, next.id);
    return { record: next, row: recordToOfficialRow(next), version, nonces };
  }

  /** Whether the token item holds `version` (read strongly consistently). */
  async #holds(id: string, version: string): Promise<boolean> {
    const output = await this.#connection.send<{ Item?: DynamoItem }>(
      'GetItem',
      {
        Key: tokenKey(id),
        ProjectionExpression: '#v',
        ExpressionAttributeNames: { '#v': VERSION },
        ConsistentRead: true,
      },
      ACTION,
    );
    const stored = output.Item?.[VERSION];
    return stored !== undefined && 'S' in stored && stored.S === version;
  }

  /** Deletes index items a token no longer needs, each only while it holds the nonce given. Never rejects. */
  async dropIndex(changes: readonly IndexChange[], id: string): Promise<void> {
    // A failure leaves an item that names a token no longer holding its value: lookups pass over it.
    await Promise.allSettled(changes.map((change) => this.#deleteIndex(change, id)));
  }

  /** The index items a token's values own (what deleting the token removes). */
  static indexOf(row: DynamoRow): IndexChange[] {
    return INDEXED_FIELDS.flatMap((field) => {
      const value = row.record[field];
      return value === null ? [] : [{ field, value, nonce: row.nonces[field] }];
    });
  }

  #condition(previous: DynamoRow | null): Record<string, unknown> {
    if (previous === null) return { ConditionExpression: 'attribute_not_exists(pk)' };
    if (previous.version === null)
      return { ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#v)', ExpressionAttributeNames: { '#v': VERSION } };
    return {
      ConditionExpression: '#v = :v',
      ExpressionAttributeNames: { '#v': VERSION },
      ExpressionAttributeValues: { ':v': { S: previous.version } },
    };
  }

  #putIndex(change: IndexChange, id: string, userEntry: UserIndexEntry | null): Promise<unknown> {
    const item: Record<string, AttributeValue> = { ...indexKey(change.field, change.value, id), w: { S: change.nonce as string } };
    if (change.field !== 'userName') return this.#connection.send('PutItem', { Item: item }, ACTION);
    // One token per user name: the item is taken only if there is none, or it is still the one read, which named a
    // token that no longer holds the name (the save's lookup by that name found nothing).
    item.id = { S: id };
    const condition =
      userEntry === null
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : userEntry.nonce === null
          ? { ConditionExpression: 'id = :id AND attribute_not_exists(w)', ExpressionAttributeValues: { ':id': { S: userEntry.id } } }
          : {
              ConditionExpression: 'id = :id AND w = :w',
              ExpressionAttributeValues: { ':id': { S: userEntry.id }, ':w': { S: userEntry.nonce } },
            };
    return this.#connection.send('PutItem', { Item: item, ...condition }, ACTION);
  }

  async #deleteIndex(change: IndexChange, id: string): Promise<void> {
    const values: Record<string, AttributeValue> = {};
    let condition: string;
    if (change.nonce === null) {
      condition = 'attribute_not_exists(w)';
    } else {
      condition = 'w = :w';
      values[':w'] = { S: change.nonce };
    }
    if (change.field === 'userName') {
      condition = `(${condition}) AND id = :id`;
      values[':id'] = { S: id };
    }
    try {
      await this.#connection.send(
        'DeleteItem',
        {
          Key: indexKey(change.field, change.value, id),
          ConditionExpression: condition,
          ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
        },
        'delete an index item',
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }
}
