import type { Cluster, Redis } from 'ioredis';
import { keySlot } from './redis-key-slot.js';
import { unavailable } from './redis-errors.js';

/**
 * `WAIT replicas timeoutMs` on the connection that took the store's last write, resolving to how many replicas
 * confirmed. WAIT has no key and counts only the writes of the connection it is sent on: through ioredis's Cluster
 * it would go to any node, and after a lost connection ioredis would send it again on a new connection, which has
 * written nothing and so is "confirmed" at once. On a cluster it is therefore sent straight to the connection
 * ioredis holds to the master of `anchorKey`'s slot (a key of the write, on the same slot), never retried.
 */
export function waitForReplicas(client: Redis, anchorKey: string, replicas: number, timeoutMs: number): Promise<number> {
  if (!(client as { isCluster?: boolean }).isCluster) return client.wait(replicas, timeoutMs);
  const cluster = client as unknown as Cluster;
  const nodeKey = cluster.slots[keySlot(anchorKey)]?.[0];
  const master = cluster.nodes('master').find(({ options }) => `${options.host}:${options.port}` === nodeKey);
  // A node connection that is not ready would queue WAIT until it reconnects, as a connection that wrote nothing.
  if (master === undefined || master.status !== 'ready')
    return Promise.reject(unavailable('the master that took the write is not connected'));
  return master.wait(replicas, timeoutMs);
}
