import type { LockWakeChannel, LockWatch, WakeOutcome } from '../../kernel/lock/wake-channel.js';
import { rowsOf, type MySqlPool, type MySqlPoolConnection } from './mysql-driver.js';
import { untilAborted } from '../../time/until-aborted.js';

/**
 * Connections of the pool that holders and waiters may keep busy for wake signals: a quarter of the pool (2 of
 * mysql2's default 10), so saves always find connections. Past it, a holder holds no signal and a waiter polls.
 */
export class WakeSlots {
  readonly #max: number;
  #used = 0;

  constructor(pool: MySqlPool) {
    const limit = Number((pool as { pool?: { config?: { connectionLimit?: unknown } } }).pool?.config?.connectionLimit ?? 10);
    this.#max = Number.isFinite(limit) ? Math.floor(limit / 4) : 0;
  }

  take(): boolean {
    if (this.#used >= this.#max) return false;
    this.#used += 1;
    return true;
  }

  free(): void {
    this.#used -= 1;
  }
}

/**
 * The MySQL refresh lock's wake channel: a holder also holds `GET_LOCK(signal)` on the connection that took the
 * lease (taken in the same statement, so an uncontended lock costs no round trip more) and releases it just after
 * deleting its lease row; a waiter blocks in `GET_LOCK(signal, timeout)`, which returns the moment the holder lets
 * go, and lets go of it at once. The lease row alone decides who holds the lock: a signal nobody holds (a holder
 * that had no connection to spare, or whose session ended) makes the waiter poll instead.
 */
export class MySqlWakeChannel implements LockWakeChannel {
  readonly #ready: () => Promise<{ readonly pool: MySqlPool; readonly slots: WakeSlots }>;
  readonly #signalOf: (name: string) => Promise<string>;

  constructor(ready: () => Promise<{ readonly pool: MySqlPool; readonly slots: WakeSlots }>, signalOf: (name: string) => Promise<string>) {
    this.#ready = ready;
    this.#signalOf = signalOf;
  }

  async watch(name: string): Promise<LockWatch | null> {
    try {
      const [{ pool, slots }, signal] = await Promise.all([this.#ready(), this.#signalOf(name)]);
      return { wait: (ms, abort) => untilAborted(waitForSignal(pool, slots, signal, ms), abort), close: () => undefined };
    } catch {
      return null;
    }
  }

  async close(): Promise<void> {}
}

/** One blocking wait for `signal` on a connection of its own; 'unable' when nobody holds it or no slot is free. */
async function waitForSignal(pool: MySqlPool, slots: WakeSlots, signal: string, ms: number): Promise<WakeOutcome> {
  if (!slots.take()) return 'unable';
  let connection: MySqlPoolConnection | null = null;
  try {
    connection = await pool.getConnection();
    // NULL: the signal is free, so no holder will announce anything. GET_LOCK takes seconds (fractions allowed).
    const [row] = rowsOf(
      await connection.query('SELECT IF(IS_FREE_LOCK(?), NULL, GET_LOCK(?, ?)) AS got', [signal, signal, Math.max(0.001, ms / 1_000)]),
    );
    const got = row?.got;
    if (got === null || got === undefined) return 'unable';
    if (Number(got) !== 1) return 'timeout';
    // Taken as the holder let go: hand it straight back (a pooled session must not keep it).
    await connection.query('DO RELEASE_LOCK(?)', [signal]);
    return 'woken';
  } catch {
    connection?.destroy();
    connection = null;
    return 'unable';
  } finally {
    connection?.release();
    slots.free();
  }
}
