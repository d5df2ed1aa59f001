import { randomUUID } from 'node:crypto';
import { BUSY, type HeldLock, type LockBusy, type LockEngine } from '../../kernel/lock/lock-engine.js';
import type { LeaseItems } from './dynamodb-lease.js';

const ACTION = 'take the refresh lock';

/**
 * The refresh lock's engine for every process and host that reaches the table: a lease item per lock name
 * (`lock#refresh#<id>`), taken by a conditional PutItem, released by a conditional DeleteItem on the owner, and
 * extended (the heartbeat of a slow refresh) by a conditional UpdateItem on the owner. The kernel names the items.
 */
export class DynamoDBLockEngine implements LockEngine {
  readonly #leases: LeaseItems;

  constructor(leases: LeaseItems) {
    this.#leases = leases;
  }

  async tryLock(name: string, leaseMs: number): Promise<HeldLock | LockBusy> {
    const owner = randomUUID();
    if (!(await this.#leases.take(name, owner, leaseMs, ACTION))) return BUSY;
    return {
      release: () => this.#leases.release(name, owner, 'release the refresh lock'),
      extend: (nextLeaseMs) => this.#leases.extend(name, owner, nextLeaseMs, 'extend the refresh lock'),
    };
  }
}
