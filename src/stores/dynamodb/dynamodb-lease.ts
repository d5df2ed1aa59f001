import type { DynamoDBConnection } from './dynamodb-connection.js';
import { isConditionFailed } from './dynamodb-errors.js';
import { singleKey } from './dynamodb-keys.js';
import type { DynamoItem } from './dynamodb-driver.js';

/** Whether the SDK sent the request more than once (its errors count the attempts). */
const retried = (error: unknown): boolean => ((error as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1) > 1;

const NAMES = { '#o': 'owner', '#u': 'until' };

/**
 * Lease items: a lock is an item `{ pk, owner, until }` that one owner holds until `until` (epoch ms, by the
 * writer's clock). Taking is a conditional PutItem (no item, or its lease ended), releasing a conditional
 * DeleteItem on the owner, extending a conditional UpdateItem on the owner: each one request, and a holder whose
 * lease ran out can neither free nor extend the lock a later holder took. Lease ends are compared against the
 * clock of the host taking the lock: hosts must agree on the time to well within a lease (docs/dynamodb-store.md).
 */
export class LeaseItems {
  readonly #connection: DynamoDBConnection;

  constructor(connection: DynamoDBConnection) {
    this.#connection = connection;
  }

  /** Takes the lock `pk` for `owner` for `leaseMs`; false while another owner's lease lasts. */
  async take(pk: string, owner: string, leaseMs: number, action: string): Promise<boolean> {
    const now = Date.now();
    try {
      await this.#connection.send(
        'PutItem',
        {
          Item: { ...singleKey(pk), owner: { S: owner }, until: { N: String(now + Math.max(1, Math.ceil(leaseMs))) } },
          ConditionExpression: 'attribute_not_exists(pk) OR #u < :now',
          ExpressionAttributeNames: { '#u': 'until' },
          ExpressionAttributeValues: { ':now': { N: String(now) } },
        },
        action,
      );
      return true;
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      // A refusal of the SDK's second attempt may follow a first that took the lock and whose answer was lost.
      return retried(error) && (await this.#ownedBy(pk, owner, action));
    }
  }

  async #ownedBy(pk: string, owner: string, action: string): Promise<boolean> {
    const output = await this.#connection.send<{ Item?: DynamoItem }>('GetItem', { Key: singleKey(pk), ConsistentRead: true }, action);
    const holder = output.Item?.owner;
    return holder !== undefined && 'S' in holder && holder.S === owner;
  }

  /** Ends `owner`'s hold of `pk`, if it still has it. */
  async release(pk: string, owner: string, action: string): Promise<void> {
    try {
      await this.#connection.send(
        'DeleteItem',
        {
          Key: singleKey(pk),
          ConditionExpression: '#o = :owner',
          ExpressionAttributeNames: { '#o': 'owner' },
          ExpressionAttributeValues: { ':owner': { S: owner } },
        },
        action,
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }

  /** Moves the end of `owner`'s lease on `pk` to `leaseMs` from now; false when the lock is no longer its. */
  async extend(pk: string, owner: string, leaseMs: number, action: string): Promise<boolean> {
    try {
      await this.#connection.send(
        'UpdateItem',
        {
          Key: singleKey(pk),
          UpdateExpression: 'SET #u = :until',
          ConditionExpression: '#o = :owner',
          ExpressionAttributeNames: NAMES,
          ExpressionAttributeValues: { ':owner': { S: owner }, ':until': { N: String(Date.now() + Math.max(1, Math.ceil(leaseMs))) } },
        },
        action,
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }
}
