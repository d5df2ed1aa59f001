import type { Cluster, Redis } from 'ioredis';
import { unavailable } from './redis-errors.js';
import { keySlot } from './redis-key-slot.js';

/**
 * `WAIT replicas timeoutMs` on the connection that took the store's last write, resolving to how many replicas
 * confirmed. WAIT has no key and counts only the writes of the connection it is sent on: through ioredis's Cluster
 * it would go to any node, and after a lost connection ioredis would send it again on a new connection, which has
 * written nothing and so is "confirmed" at once. On a cluster it is therefore sent straight to the connection
 * ioredis holds to the master of `anchorKey`'s slot (a key of the write, on the same slot), never retried.
 */
export function waitForReplicas(client: Redis, anchorKey: string, replicas: number, timeoutMs: number): Promise<number> {
  const connection = (client as { isCluster?: boolean }).isCluster ? masterOfSlot(client as unknown as Cluster, anchorKey) : client;
  // A connection that is not ready would hold WAIT until it has (re)connected: a connection that wrote nothing.
  if (connection === undefined || connection.status !== 'ready') {
    return Promise.reject(unavailable('the connection that took the write is not connected'));
  }
  return connection.wait(replicas, timeoutMs);
}

/** ioredis's connection to the master its slot map names for a key's slot. */
function masterOfSlot(cluster: Cluster, key: string): Redis | undefined {
  const nodeKey = cluster.slots[keySlot(key)]?.[0];
  return cluster.nodes('master').find(({ options }) => `${options.host}:${options.port}` === nodeKey);
}
