import { randomUUID } from 'node:crypto';
import { BUSY, type HeldLock, type LockBusy, type LockEngine } from '../../kernel/lock/lock-engine.js';
import type { RedisConnection } from './redis-connection.js';
import { EXTEND } from './redis-scripts.js';
import { RedisWakeChannel, RELEASE_AND_ANNOUNCE, RELEASE_CHANNEL } from './redis-wake.js';

/**
 * The refresh lock's engine for every process and host that reaches the server: `SET name owner NX PX leaseMs`.
 * The server ends the lease; release and the heartbeat's extend compare the owner first, so a holder whose lease ran
 * out can neither free nor extend the lock a later holder took. The kernel names the keys (`P lock:refresh:<id>`).
 * A release publishes the key, which wakes the waiters of every process that subscribes (`RedisWakeChannel`).
 */
export class RedisLockEngine implements LockEngine {
  readonly #connection: RedisConnection;
  readonly wake: RedisWakeChannel;

  constructor(connection: RedisConnection) {
    this.#connection = connection;
    this.wake = new RedisWakeChannel(() => connection.run(async (client) => client));
  }

  async tryLock(name: string, leaseMs: number): Promise<HeldLock | LockBusy> {
    const owner = randomUUID();
    // PX takes whole milliseconds, at least 1.
    const px = Math.max(1, Math.ceil(leaseMs));
    const taken = await this.#connection.run((client) => client.set(name, owner, 'PX', px, 'NX'));
    if (taken !== 'OK') return BUSY;
    return {
      release: async () => {
        await this.#connection.run((client) => RELEASE_AND_ANNOUNCE.run(client, [name], [owner, RELEASE_CHANNEL]));
      },
      extend: async (ms) => (await this.#connection.run((client) => EXTEND.run(client, [name], [owner, Math.max(1, Math.ceil(ms))]))) === 1,
    };
  }
}
