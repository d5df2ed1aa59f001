import type { Cluster, Redis } from 'ioredis';
import { unavailable } from './redis-errors.js';

/**
 * `WAIT replicas timeoutMs` on the connection that took the store's last write, resolving to how many replicas
 * confirmed. WAIT has no key and counts only the writes of the connection it is sent on: through ioredis's Cluster
 * it would go to any node, and after a lost connection ioredis would send it again on a new connection, which has
 * written nothing and so is "confirmed" at once. On a cluster it is therefore sent straight to the connection
 * ioredis holds to the master of the store's slot, never retried. Every key of a store shares one hash tag, so the
 * slot is one: the cluster is asked for it once (`CLUSTER KEYSLOT`, the server's own rule, rather than a CRC16
 * written here), and ioredis's slot map then names its master.
 */
export class ReplicaWait {
  #slot: Promise<number> | null = null;

  /** `anchorKey`: a key of the write. */
  async wait(client: Redis, anchorKey: string, replicas: number, timeoutMs: number): Promise<number> {
    const connection = (client as { isCluster?: boolean }).isCluster
      ? await this.#masterOf(client as unknown as Cluster, anchorKey)
      : client;
    // A connection that is not ready would hold WAIT until it has (re)connected: a connection that wrote nothing.
    if (connection === undefined || connection.status !== 'ready') {
      throw unavailable('the connection that took the write is not connected');
    }
    return connection.wait(replicas, timeoutMs);
  }

  /** ioredis's connection to the master its slot map names for the store's slot. */
  async #masterOf(cluster: Cluster, anchorKey: string): Promise<Redis | undefined> {
    this.#slot ??= cluster.call('CLUSTER', 'KEYSLOT', anchorKey).then(Number, (error: unknown) => {
      this.#slot = null; // asked again next time
      throw error;
    });
    const nodeKey = cluster.slots[await this.#slot]?.[0];
    return cluster.nodes('master').find(({ options }) => `${options.host}:${options.port}` === nodeKey);
  }
}
