import { randomUUID } from 'node:crypto';
import { HostWakeChannel } from '../../kernel/lock/host-wake.js';
import { BUSY, type HeldLock, type LockBusy, type LockEngine } from '../../kernel/lock/lock-engine.js';
import type { LeaseItems } from './dynamodb-lease.js';

const ACTION = 'take the refresh lock';

/**
 * The refresh lock's engine for every process and host that reaches the table: a lease item per lock name
 * (`lock#refresh#<id>`), taken by a conditional PutItem, released by a conditional DeleteItem on the owner, and
 * extended (the heartbeat of a slow refresh) by a conditional UpdateItem on the owner. The kernel names the items.
 * DynamoDB cannot tell a waiter that an item was deleted (Streams are neither immediate nor in every setup): a release
 * wakes the waiters of this host through a signal file; those on other hosts poll.
 */
export class DynamoDBLockEngine implements LockEngine {
  readonly #leases: LeaseItems;
  readonly wake: HostWakeChannel;

  /** `place`: what names the table wherever it is seen from (endpoint or region, and table name). */
  constructor(leases: LeaseItems, place: string) {
    this.#leases = leases;
    this.wake = new HostWakeChannel(place);
  }

  async tryLock(name: string, leaseMs: number): Promise<HeldLock | LockBusy> {
    const owner = randomUUID();
    if (!(await this.#leases.take(name, owner, leaseMs, ACTION))) return BUSY;
    return {
      release: async () => {
        await this.#leases.release(name, owner, 'release the refresh lock');
        await this.wake.announce();
      },
      extend: (nextLeaseMs) => this.#leases.extend(name, owner, nextLeaseMs, 'extend the refresh lock'),
    };
  }
}
