import { randomUUID } from 'node:crypto';
import type { LockWakeChannel, LockWatch } from '../../kernel/lock/wake-channel.js';
import { WakeHub } from '../../kernel/lock/wake-hub.js';
import type { PostgresPool, PostgresPoolClient } from './postgres-driver.js';
import { RELEASE_CHANNEL } from './postgres-sql.js';
// How long the probe notification may take to come back before the channel is taken for deaf (a pooler).
const PROBE_MS = 2_000;
// After a probe that never came back (a transaction pooler), listening is tried again this much later at most often.
const DEAF_RETRY_MS = 60_000;
// The smallest pool a listening connection is taken from (pg's default is 10).
const MIN_POOL = 4;
// After a listening connection dropped, how soon another may be opened.
const LOST_RETRY_MS = 1_000;

interface Notification {
  readonly channel: string;
  readonly payload?: string;
}

/** A pooled client as LISTEN uses it: `pg`'s Client emits its notifications and the end of its connection. */
type ListenClient = PostgresPoolClient & {
  on(event: 'notification', listener: (message: Notification) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
};

/**
 * The PostgreSQL refresh lock's wake channel: one connection of the pool, kept out of it, LISTENs on
 * `zts_lock_released`; a release's statement notifies the lock's name on commit, and the waiters of that name in this
 * process are woken. LISTEN needs a session of its own, which a transaction pooler (PgBouncer's
 * `pool_mode=transaction`) does not give: so the connection is trusted only once a probe notification sent through
 * the pool has come back on it; until then, or when it never does, the kernel polls as it would without a channel.
 * The connection is opened on the first wait, never for a lock taken at once.
 */
export class PostgresWakeChannel implements LockWakeChannel {
  readonly #hub = new WakeHub();
  readonly #pool: () => Promise<PostgresPool>;
  /** Lock names as notified start with this; the rest is the kernel's name. */
  readonly #prefix: string;
  #client: ListenClient | null = null;
  #starting: Promise<void> | null = null;
  #notBefore = 0;
  #closed = false;
  /** Ends a probe under way (the store is closing). */
  #cutProbe: (() => void) | null = null;

  constructor(pool: () => Promise<PostgresPool>, prefix: string) {
    this.#pool = pool;
    this.#prefix = prefix;
  }

  async watch(name: string): Promise<LockWatch | null> {
    if (this.#closed) return null;
    if (this.#client === null && this.#starting === null && Date.now() >= this.#notBefore) {
      this.#starting = this.#listen().finally(() => (this.#starting = null));
    }
    return this.#hub.watch(name);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#cutProbe?.();
    await this.#starting;
    this.#drop(null);
  }

  async #listen(): Promise<void> {
    let client: ListenClient | null = null;
    let probe: { readonly id: string; arrived(): void } | null = null;
    const onNotification = (message: Notification): void => {
      if (message.channel !== RELEASE_CHANNEL || message.payload === undefined) return;
      if (message.payload === probe?.id) probe.arrived();
      else if (message.payload.startsWith(this.#prefix)) this.#hub.deliver(message.payload.slice(this.#prefix.length));
    };
    const onLost = (error?: Error): void => {
      if (client !== null && this.#client === client) this.#drop(error ?? new Error('the listening connection ended'));
    };
    try {
      const pool = await this.#pool();
      // A pool this small cannot spare a connection: its waiters poll.
      if ((((pool as { options?: { max?: unknown } }).options?.max ?? MIN_POOL) as number) < MIN_POOL) {
        this.#notBefore = Infinity;
        return;
      }
      client = (await pool.connect()) as ListenClient;
      client.on('notification', onNotification);
      client.on('error', onLost);
      client.on('end', () => onLost());
      await client.query(`LISTEN ${RELEASE_CHANNEL}`);
      const id = `probe:${randomUUID()}`;
      const arrived = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), PROBE_MS);
        timer.unref();
        const settle = (came: boolean): void => {
          clearTimeout(timer);
          resolve(came);
        };
        probe = { id, arrived: () => settle(true) };
        this.#cutProbe = () => settle(false);
        if (this.#closed) this.#cutProbe();
      });
      await pool.query('SELECT pg_notify($1, $2)', [RELEASE_CHANNEL, id]);
      const trusted = await arrived;
      this.#cutProbe = null;
      if (!trusted || this.#closed) {
        // Behind a transaction pooler the notification never reaches an idle session: poll, and ask again later.
        client.release(true);
        if (!this.#closed) this.#notBefore = Date.now() + DEAF_RETRY_MS;
        return;
      }
      this.#client = client;
      this.#hub.setLive(true);
    } catch {
      // The server cannot be reached now, or LISTEN is refused: poll meanwhile.
      client?.release(true);
      this.#notBefore = Date.now() + LOST_RETRY_MS;
    }
  }

  /** Ends the listening connection (its session, with its LISTEN); waiters poll until another is open. */
  #drop(error: Error | null): void {
    const client = this.#client;
    this.#client = null;
    this.#hub.setLive(false);
    if (client === null) return;
    if (error !== null) this.#notBefore = Date.now() + LOST_RETRY_MS;
    client.release(error ?? true);
  }
}
