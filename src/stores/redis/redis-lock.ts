import { randomUUID } from 'node:crypto';
import { BUSY, type HeldLock, type LockBusy, type LockEngine } from '../../kernel/lock/lock-engine.js';
import type { RedisConnection } from './redis-connection.js';
import { EXTEND, RELEASE } from './redis-scripts.js';

/**
 * The refresh lock's engine for every process and host that reaches the server: `SET name owner NX PX leaseMs`.
 * The server ends the lease; release and the heartbeat's extend compare the owner first, so a holder whose lease ran
 * out can neither free nor extend the lock a later holder took. The kernel names the keys (`P lock:refresh:<id>`).
 */
export class RedisLockEngine implements LockEngine {
  readonly #connection: RedisConnection;

  constructor(connection: RedisConnection) {
    this.#connection = connection;
  }

  async tryLock(name: string, leaseMs: number): Promise<HeldLock | LockBusy> {
    const owner = randomUUID();
    // PX takes whole milliseconds, at least 1.
    const px = Math.max(1, Math.ceil(leaseMs));
    const taken = await this.#connection.run((client) => client.set(name, owner, 'PX', px, 'NX'));
    if (taken !== 'OK') return BUSY;
    return {
      release: async () => {
        await this.#connection.run((client) => RELEASE.run(client, [name], [owner]));
      },
      extend: async (ms) => (await this.#connection.run((client) => EXTEND.run(client, [name], [owner, Math.max(1, Math.ceil(ms))]))) === 1,
    };
  }
}
