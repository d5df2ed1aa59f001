// Throwaway Redis servers of a test's own, on free ports, beside (never touching) the shared server: one server to
// restart, a 3-master Redis Cluster (optionally with a replica per master), and a master + replica watched by 3
// Sentinels (`redis-server --sentinel`). Each is stopped, its processes killed and its folder removed, by `stop()`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { freePort } from './_free-port.js';

export interface RedisNode {
  readonly host: string;
  readonly port: number;
}

/** Why these topologies cannot run here, or null when they can. */
export function redisTopologiesMissing(): string | null {
  if (spawnSync('redis-server', ['--version']).status !== 0) return 'redis-server is not installed';
  if (spawnSync('redis-cli', ['--version']).status !== 0) return 'redis-cli is not installed';
  return null;
}

// Below 55536: a cluster node's bus port is its own port + 10000 unless set; set here anyway, from another free port.
const freeNodePort = (): Promise<number> => freePort(55_536);

function probe(port: number): Redis {
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  return client;
}

/** Runs one command on a node with a short-lived connection. */
export async function onNode(port: number, ...args: [string, ...Array<string | number>]): Promise<unknown> {
  const client = probe(port);
  try {
    await client.connect();
    return await client.call(...args);
  } finally {
    client.disconnect();
  }
}

/** Runs one read on a cluster replica (after READONLY, which a cluster replica needs to answer reads itself). */
export async function onReplica(port: number, ...args: [string, ...Array<string | number>]): Promise<unknown> {
  const client = probe(port);
  try {
    await client.connect();
    await client.call('READONLY');
    return await client.call(...args);
  } finally {
    client.disconnect();
  }
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await delay(100);
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

class Processes {
  readonly #children = new Map<number, ChildProcess>();
  readonly #args = new Map<number, readonly string[]>();
  readonly dir = mkdtempSync(join(tmpdir(), 'zts-redis-topology-'));

  /** Starts a killed server again, as it was started (without persistence, it comes back empty). */
  restart(port: number): Promise<void> {
    return this.start(port, this.#args.get(port) ?? []);
  }

  async start(port: number, args: readonly string[]): Promise<void> {
    this.#args.set(port, args);
    const child = spawn('redis-server', [...args, '--port', String(port), '--bind', '127.0.0.1', '--dir', this.dir], { stdio: 'ignore' });
    this.#children.set(port, child);
    await until(`redis-server on port ${port}`, async () => (await onNode(port, 'PING')) === 'PONG');
  }

  /** Sends a signal to a running server: SIGSTOP freezes it (its connections stay open, nothing answers), SIGCONT resumes it. */
  signal(port: number, signal: 'SIGSTOP' | 'SIGCONT'): void {
    const child = this.#children.get(port);
    if (!child || child.exitCode !== null || child.signalCode !== null) throw new Error(`no server runs on port ${port}`);
    child.kill(signal);
  }

  /** Ends a server: SIGKILL by default; SIGTERM shuts it down cleanly (its append-only file complete). */
  async kill(port: number, signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL'): Promise<void> {
    const child = this.#children.get(port);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#children.keys()].map((port) => this.kill(port)));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// No persistence: a restarted or failed-over node holds only what replication gave it.
const EPHEMERAL = ['--save', '', '--appendonly', 'no'];

export interface RedisServerHandle {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** Shuts the server down (SIGTERM); `up` starts it again on the same port. */
  down(): Promise<void>;
  up(): Promise<void>;
  /** Ends it for good and removes its folder. */
  stop(): Promise<void>;
}

/**
 * One throwaway redis-server, for outages of a test's own (the shared server is never touched). Without `keepData`
 * it keeps nothing, so it comes back empty, script cache included; with it, every write is in an append-only file
 * synced before the reply, so it comes back with every acknowledged write.
 */
export async function startRedisServer(options: { readonly keepData?: boolean } = {}): Promise<RedisServerHandle> {
  const processes = new Processes();
  const port = await freePort();
  const args = options.keepData ? ['--save', '', '--appendonly', 'yes', '--appendfsync', 'always'] : EPHEMERAL;
  try {
    await processes.start(port, args);
  } catch (error) {
    await processes.stop();
    throw error;
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    down: () => processes.kill(port, 'SIGTERM'),
    up: () => processes.restart(port),
    stop: () => processes.stop(),
  };
}

export interface RedisClusterHandle {
  /** The masters it was started with (after a failover, one of them may be a replica or gone). */
  readonly nodes: readonly RedisNode[];
  /** `redis+cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3` */
  readonly location: string;
  /** The port of the master serving a key's slot. */
  masterOf(key: string): Promise<number>;
  /** The port of a master's replica (with `replicas: 1`). */
  replicaOf(masterPort: number): Promise<number>;
  /** Moves one slot, keys and all, to another master (CLUSTER SETSLOT … MIGRATING/IMPORTING, MIGRATE, SETSLOT NODE). */
  migrateSlot(slot: number, toPort: number): Promise<void>;
  /** Freezes a server (SIGSTOP) until `resume` (SIGCONT): it neither answers nor closes its connections. */
  pause(port: number): void;
  resume(port: number): void;
  /**
   * SIGKILLs the master of a key's slot and resolves, with the promoted replica's port, once the cluster serves that slot
   * from it; then starts the killed server again (empty, with its cluster config), and waits until it is the new
   * master's replica and in sync.
   */
  killMasterOf(key: string): Promise<number>;
  /** SIGKILLs a server, which `restart` starts again (empty, with its cluster config: it rejoins as a replica). */
  kill(port: number): Promise<void>;
  restart(port: number): Promise<void>;
  /** Resolves once the cluster serves a key's slot from `port`. */
  servedBy(key: string, port: number): Promise<void>;
  /** `CLUSTER FAILOVER` on the replica of a key's master (a graceful swap); resolves with the new master's port. */
  failoverOf(key: string): Promise<number>;
  stop(): Promise<void>;
}

export interface RedisClusterOptions {
  /** Replicas per master: 0 (the default) or 1. */
  readonly replicas?: 0 | 1;
  /** `cluster-node-timeout`: how long a silent master takes to be failed over (default 3,000 ms). */
  readonly nodeTimeoutMs?: number;
}

/**
 * Starts 3 masters (and with `replicas: 1`, 3 replicas) with `--cluster-enabled yes` and joins them with
 * `redis-cli --cluster create`.
 */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisClusterHandle> {
  const { replicas = 0, nodeTimeoutMs = 3_000 } = options;
  const processes = new Processes();
  try {
    const ports: number[] = [];
    for (let i = 0; i < 3 * (1 + replicas); i += 1) {
      const port = await freeNodePort();
      const bus = await freeNodePort();
      ports.push(port);
      await processes.start(port, [
        ...EPHEMERAL,
        '--cluster-enabled',
        'yes',
        '--cluster-port',
        String(bus),
        '--cluster-config-file',
        join(processes.dir, `nodes-${port}.conf`),
        '--cluster-node-timeout',
        String(nodeTimeoutMs),
      ]);
    }
    const created = spawnSync(
      'redis-cli',
      ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', String(replicas), '--cluster-yes'],
      { encoding: 'utf8' },
    );
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    const replicationOf = async (port: number): Promise<string> => String(await onNode(port, 'INFO', 'replication'));
    for (const port of ports) {
      await until(`cluster state ok on ${port}`, async () => String(await onNode(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok'));
      // redis-cli picks which nodes become replicas: every replica must be in sync before a test relies on it.
      await until(`node ${port} a master, or a replica in sync`, async () => {
        const replication = await replicationOf(port);
        return replication.includes('role:master') || replication.includes('master_link_status:up');
      });
    }
    const masters: number[] = [];
    for (const port of ports) if ((await replicationOf(port)).includes('role:master')) masters.push(port);
    // Asked of any server still running (one may have been killed).
    const slotsNow = async (): Promise<Array<[number, number, [string, number]]>> => {
      for (const port of ports) {
        const slots = await onNode(port, 'CLUSTER', 'SLOTS').catch(() => null);
        if (slots) return slots as Array<[number, number, [string, number]]>;
      }
      throw new Error('no cluster node answers');
    };
    const slotOf = async (key: string): Promise<number> => {
      for (const port of ports) {
        const slot = await onNode(port, 'CLUSTER', 'KEYSLOT', key).catch(() => null);
        if (slot !== null) return Number(slot);
      }
      throw new Error('no cluster node answers');
    };
    const nodeIdOf = async (port: number): Promise<string> => String(await onNode(port, 'CLUSTER', 'MYID'));
    const masterOf = async (key: string): Promise<number> => {
      const slot = await slotOf(key);
      const range = (await slotsNow()).find(([from, to]) => slot >= from && slot <= to);
      if (!range) throw new Error(`no master serves slot ${slot}`);
      return range[2][1];
    };
    const replicaOf = async (masterPort: number): Promise<number> => {
      let replica = 0;
      await until(`a replica of ${masterPort} in sync`, async () => {
        const found = /slave\d+:ip=[^,]+,port=(\d+),state=online/.exec(await replicationOf(masterPort));
        replica = Number(found?.[1] ?? 0);
        return replica > 0;
      });
      return replica;
    };
    // The slot's master is `port`, as every running node sees it, and answers writes.
    const servedBy = async (key: string, port: number): Promise<void> => {
      await until(
        `the slot of ${key} served by ${port}`,
        async () => (await masterOf(key)) === port && String(await onNode(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok'),
        60_000,
      );
    };
    return {
      nodes: masters.map((port) => ({ host: '127.0.0.1', port })),
      location: `redis+cluster://${masters.map((port) => `127.0.0.1:${port}`).join(',')}`,
      masterOf,
      replicaOf,
      async migrateSlot(slot, toPort) {
        const fromPort = (await slotsNow()).find(([from, to]) => slot >= from && slot <= to)?.[2][1];
        if (fromPort === undefined || fromPort === toPort) throw new Error(`slot ${slot} is not on another master`);
        const [fromId, toId] = [await nodeIdOf(fromPort), await nodeIdOf(toPort)];
        await onNode(toPort, 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', fromId);
        await onNode(fromPort, 'CLUSTER', 'SETSLOT', slot, 'MIGRATING', toId);
        // A few keys at a time, with pauses: the store's writes run while the slot is half moved (ASK, TRYAGAIN).
        for (;;) {
          const keys = (await onNode(fromPort, 'CLUSTER', 'GETKEYSINSLOT', slot, 5)) as string[];
          if (keys.length === 0) break;
          await onNode(fromPort, 'MIGRATE', '127.0.0.1', toPort, '', 0, 5_000, 'REPLACE', 'KEYS', ...keys);
          await delay(20);
        }
        for (const port of [toPort, fromPort, ...masters.filter((p) => p !== toPort && p !== fromPort)]) {
          await onNode(port, 'CLUSTER', 'SETSLOT', slot, 'NODE', toId);
        }
      },
      kill: (port) => processes.kill(port),
      restart: (port) => processes.restart(port),
      servedBy,
      pause: (port) => processes.signal(port, 'SIGSTOP'),
      resume: (port) => processes.signal(port, 'SIGCONT'),
      async killMasterOf(key) {
        const master = await masterOf(key);
        const replica = await replicaOf(master);
        await processes.kill(master);
        await servedBy(key, replica);
        await processes.restart(master);
        await until(
          `${master} back as a replica in sync`,
          async () => (await replicationOf(master)).includes('master_link_status:up'),
          60_000,
        );
        return replica;
      },
      async failoverOf(key) {
        const replica = await replicaOf(await masterOf(key));
        await onNode(replica, 'CLUSTER', 'FAILOVER');
        await servedBy(key, replica);
        return replica;
      },
      stop: () => processes.stop(),
    };
  } catch (error) {
    await processes.stop();
    throw error;
  }
}

export interface RedisSentinelHandle {
  readonly sentinels: readonly RedisNode[];
  readonly masterName: string;
  /** `redis+sentinel://127.0.0.1:s1,127.0.0.1:s2,127.0.0.1:s3/<masterName>` */
  readonly location: string;
  /** The port of the current master, as the sentinels say. */
  masterPort(): Promise<number>;
  /** Asks the sentinels for a failover and resolves once they name a new master that answers as one. */
  failover(): Promise<number>;
  /**
   * SIGKILLs the master and resolves once the sentinels have promoted a replica; then starts the killed server again
   * (empty), which the sentinels turn into a replica of the new master.
   */
  killMaster(): Promise<number>;
  stop(): Promise<void>;
}

/** Starts a master, `replicas` replicas of it and 3 sentinels (quorum 2) watching them. */
export async function startRedisSentinel(masterName = 'zts', replicas = 1): Promise<RedisSentinelHandle> {
  const processes = new Processes();
  try {
    const master = await freeNodePort();
    await processes.start(master, EPHEMERAL);
    for (let i = 0; i < replicas; i += 1) {
      const replica = await freeNodePort();
      await processes.start(replica, [...EPHEMERAL, '--replicaof', '127.0.0.1', String(master)]);
      await until('the replica in sync', async () =>
        String(await onNode(replica, 'INFO', 'replication')).includes('master_link_status:up'),
      );
    }
    const sentinels: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const port = await freeNodePort();
      const config = join(processes.dir, `sentinel-${port}.conf`);
      writeFileSync(
        config,
        [
          `sentinel monitor ${masterName} 127.0.0.1 ${master} 2`,
          `sentinel down-after-milliseconds ${masterName} 2000`,
          `sentinel failover-timeout ${masterName} 10000`,
          `sentinel parallel-syncs ${masterName} 1`,
          '',
        ].join('\n'),
      );
      sentinels.push(port);
      await processes.start(port, [config, '--sentinel']);
    }
    const masterPort = async (): Promise<number> => {
      for (const port of sentinels) {
        const reply = (await onNode(port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName).catch(() => null)) as [string, string] | null;
        if (reply) return Number(reply[1]);
      }
      throw new Error('no sentinel answers');
    };
    // Every sentinel knows the replica and the two other sentinels: a failover can then be agreed and carried out.
    for (const port of sentinels) {
      await until(`sentinel ${port} ready`, async () => {
        const others = (await onNode(port, 'SENTINEL', 'SENTINELS', masterName)) as unknown[];
        return ((await onNode(port, 'SENTINEL', 'REPLICAS', masterName)) as unknown[]).length === replicas && others.length === 2;
      });
    }
    const promoted = async (before: number, cause: () => Promise<unknown>): Promise<number> => {
      await cause();
      let after = before;
      await until(
        'the failover',
        async () => {
          after = await masterPort();
          return after !== before && String(await onNode(after, 'ROLE')).startsWith('master');
        },
        60_000,
      );
      return after;
    };
    return {
      sentinels: sentinels.map((port) => ({ host: '127.0.0.1', port })),
      masterName,
      location: `redis+sentinel://${sentinels.map((port) => `127.0.0.1:${port}`).join(',')}/${masterName}`,
      masterPort,
      failover: async () => promoted(await masterPort(), () => onNode(sentinels[0] as number, 'SENTINEL', 'FAILOVER', masterName)),
      killMaster: async () => {
        const before = await masterPort();
        // After an earlier failover the replicas follow the new master a moment later: a replica must be in sync.
        await until('a replica in sync', async () => /connected_slaves:[1-9]/.test(String(await onNode(before, 'INFO', 'replication'))));
        const after = await promoted(before, () => processes.kill(before));
        await processes.restart(before);
        return after;
      },
      stop: () => processes.stop(),
    };
  } catch (error) {
    await processes.stop();
    throw error;
  }
}
