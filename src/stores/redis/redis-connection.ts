import type { Redis, RedisOptions } from 'ioredis';
import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import { loadRedisClient, loadRedisCluster } from './redis-driver.js';
import { accessDenied, classifyRedisError, isAccessDenied, unavailable, withUnknownOutcome } from './redis-errors.js';
import type { RedisStoreConfig } from './redis-options.js';
import { ReplicaWait } from './redis-replica-wait.js';

// A client in one of these states has no connection and is not making one right now: a command would sit in
// the offline queue, so the store fails it at once instead.
const OFFLINE_STATUSES = new Set(['reconnecting', 'close', 'end']);

/** Reconnection delay of a client the store opens: quick at first, never more than a second, never giving up. */
const reconnectDelay = (attempt: number): number => Math.min(50 * 2 ** Math.min(attempt, 5), 1_000);

/**
 * The store's Redis client and the rules every command goes through: opened lazily (the driver is an optional
 * peer dependency), failed fast while offline, bounded in time, errors typed. A client passed in is used as it
 * is and never closed; a client the store opens gets bounded retries and timeouts and is closed by `close()`.
 */
export class RedisConnection {
  readonly #config: RedisStoreConfig;
  #client: Redis | null;
  #opening: Promise<Redis> | null = null;
  #ownsClient = false;
  // Set when the client enforces no per-command timeout itself: the store then bounds each command.
  #deadlineMs: number | null = null;
  #lastConnectionError: Error | null = null;
  #closed = false;
  readonly #replicaWait = new ReplicaWait();

  constructor(config: RedisStoreConfig) {
    this.#config = config;
    this.#client = config.client;
    if (this.#client) this.#deadlineMs = this.#needsDeadline(this.#client.options) ? config.commandTimeoutMs : null;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Runs one command (or script) on the client; rejects with STORE_UNAVAILABLE / STORE_ACCESS_DENIED when it cannot.
   * `deadlineMs` bounds this call (connecting included) whatever the client's own timeouts.
   */
  run<T>(send: (client: Redis) => Promise<T>, deadlineMs?: number): Promise<T> {
    const client = this.#client;
    if (client === null) return this.#open().then((opened) => this.#send(opened, send, deadlineMs));
    return this.#send(client, send, deadlineMs);
  }

  /**
   * As `run`, for a write: once the write was handed to the client, a failure that may have come after the server
   * applied it rejects with `outcomeUnknown` (redis-errors.ts); one refused before it was sent does not.
   */
  runWrite<T>(send: (client: Redis) => Promise<T>, action: string): Promise<T> {
    let handed = false;
    return this.run((client) => {
      handed = true;
      return send(client);
    }).catch((error: unknown) => {
      throw handed ? withUnknownOutcome(error, action) : error;
    });
  }

  /**
   * With `waitReplicas`, after a write: waits until that many replicas have every write the connection that took it
   * made (`WAIT`, on that connection: redis-replica-wait.ts; `anchorKey` is a key of the write, which on a cluster
   * names its master). Fewer in time, or no answer: STORE_UNAVAILABLE with `outcomeUnknown` (the master has it, and
   * a failover now could lose it).
   */
  async replicated(anchorKey: string, action: string): Promise<void> {
    const acks = this.#config.replicaAcks;
    if (acks === null) return;
    const confirmed = await this.run(
      (client) => this.#replicaWait.wait(client, anchorKey, acks.replicas, acks.timeoutMs),
      acks.timeoutMs + this.#config.commandTimeoutMs,
    ).catch((error: unknown) => {
      // A closed store or refused credentials say so; anything else leaves the write's fate unknown.
      if (error instanceof TokenStoreError && error.code !== ErrorCode.STORE_UNAVAILABLE) throw error;
      throw new TokenStoreError(
        ErrorCode.STORE_UNAVAILABLE,
        `The Redis store could ${action} on the master, but could not learn whether ${acks.replicas} replica(s) have it (waitReplicas); a failover now could lose it. Read the token again before relying on what is stored.`,
        { outcomeUnknown: true, cause: error },
      );
    });
    if (confirmed < acks.replicas) {
      throw new TokenStoreError(
        ErrorCode.STORE_UNAVAILABLE,
        `The Redis store could ${action} on the master, but only ${confirmed} of ${acks.replicas} replica(s) confirmed it within ${acks.timeoutMs} ms (waitReplicas); a failover now could lose it. Read the token again before relying on what is stored.`,
        { outcomeUnknown: true },
      );
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const client = this.#client ?? (await this.#opening?.catch(() => null)) ?? null;
    if (!client || !this.#ownsClient) return;
    if (client.status === 'ready') await client.quit().catch(() => undefined);
    // Also after QUIT: only disconnect() closes the connections to the Sentinels (failoverDetector), which would
    // otherwise keep the process alive.
    client.disconnect();
  }

  #send<T>(client: Redis, send: (client: Redis) => Promise<T>, deadlineMs = this.#deadlineMs): Promise<T> {
    if (this.#closed) return Promise.reject(closedError());
    if (OFFLINE_STATUSES.has(client.status)) {
      const detail =
        client.status === 'end' && !this.#ownsClient ? 'the client passed to the store was closed' : 'the client is reconnecting';
      return Promise.reject(this.#lastDeniedOr(unavailable(detail)));
    }
    let sent: Promise<T>;
    try {
      sent = send(client);
    } catch (error) {
      return Promise.reject(classifyRedisError(error, this.#lastConnectionError));
    }
    const bounded = deadlineMs === null ? sent : withDeadline(sent, deadlineMs);
    return bounded.catch((error: unknown) => Promise.reject(classifyRedisError(error, this.#lastConnectionError)));
  }

  // While the client retries a refused login it is offline too; say why rather than "unreachable".
  #lastDeniedOr(error: TokenStoreError): TokenStoreError {
    const last = this.#lastConnectionError;
    return last && isAccessDenied(last) ? accessDenied(last) : error;
  }

  #open(): Promise<Redis> {
    this.#opening ??= this.#create().catch((error: unknown) => {
      this.#opening = null; // a missing driver today may be installed tomorrow: try again on the next call
      throw error;
    });
    return this.#opening;
  }

  async #create(): Promise<Redis> {
    const { commandTimeoutMs, connectTimeoutMs, connection, url, topology } = this.#config;
    const RedisClient = topology.kind === 'cluster' ? null : await loadRedisClient();
    const RedisCluster = topology.kind === 'cluster' ? await loadRedisCluster() : null;
    if (this.#closed) throw closedError();
    const options: RedisOptions = {
      lazyConnect: true,
      // Offline, a command waits for at most one reconnection attempt, and never longer than commandTimeout.
      maxRetriesPerRequest: 1,
      commandTimeout: commandTimeoutMs,
      connectTimeout: connectTimeoutMs,
      retryStrategy: reconnectDelay,
      // A command cut off by a disconnect has already failed for its caller (timeout or flush); running it after
      // the reconnect would take a lock or commit a write behind the caller's back.
      autoResendUnfulfilledCommands: false,
      ...connection,
    };
    let client: Redis;
    if (RedisCluster !== null && topology.kind === 'cluster') {
      const { lazyConnect: _lazy, retryStrategy: _retry, ...nodeOptions } = options;
      // The Cluster type shares the command surface the store uses; it is held as a Redis from here on.
      client = new RedisCluster([...topology.nodes], {
        lazyConnect: true,
        clusterRetryStrategy: reconnectDelay,
        // MOVED and ASK are followed; after a failover, a slot move (TRYAGAIN) or CLUSTERDOWN the command is retried
        // after a pause, all within the command's deadline.
        retryDelayOnFailover: 100,
        retryDelayOnClusterDown: 100,
        retryDelayOnTryAgain: 100,
        slotsRefreshTimeout: connectTimeoutMs,
        redisOptions: nodeOptions,
      }) as unknown as Redis;
    } else if (RedisClient !== null && topology.kind === 'sentinel') {
      client = new RedisClient({
        ...options,
        sentinels: topology.sentinels.map(({ host, port }) => ({ host, port })),
        name: topology.masterName,
        sentinelRetryStrategy: reconnectDelay,
        // Reconnect as soon as the Sentinels announce a new master, rather than when the old one's socket fails.
        failoverDetector: true,
        // A master demoted to a replica answers writes with READONLY: reconnect (through the Sentinels) to the new one.
        // The command itself fails, typed; it is not sent again behind its caller's back.
        reconnectOnError: (error: Error) => (error.message.startsWith('READONLY') ? 1 : false),
        ...connection,
      });
    } else {
      const Client = RedisClient as NonNullable<typeof RedisClient>;
      client = url === null ? new Client(options) : new Client(url, options);
    }
    // Without a listener ioredis prints every connection error; the store keeps the latest to explain failures.
    client.on('error', (error: Error) => {
      this.#lastConnectionError = error;
    });
    client.on('ready', () => {
      this.#lastConnectionError = null;
    });
    this.#deadlineMs = this.#needsDeadline(client.options) ? commandTimeoutMs : null;
    this.#ownsClient = true;
    this.#client = client;
    return client;
  }

  #needsDeadline(options: RedisOptions | undefined): boolean {
    return typeof options?.commandTimeout !== 'number';
  }
}

function closedError(): TokenStoreError {
  return new TokenStoreError(ErrorCode.STORE_CLOSED, 'The Redis store is closed; open a new one to use it again.');
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(unavailable(`no reply within ${ms} ms`)), ms);
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
