import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { DirectoryWakeChannel } from '../../kernel/lock/directory-wake.js';
import { BUSY, type HeldLock, type LockBusy, type LockEngine } from '../../kernel/lock/lock-engine.js';
import type { LockWakeChannel } from '../../kernel/lock/wake-channel.js';

/** What the lock needs from the backend: one short write transaction per attempt, run in connection order. */
export interface LockTable {
  /** Takes the lock for `owner` until `expiresAt` if it is free or its lease ended; true when taken. */
  tryTake(key: string, owner: string, expiresAt: number, now: number): Promise<boolean> | boolean;
  /** End of the current lease on `key`, or null when nobody holds it. A plain read: no write lock. */
  leaseEnd(key: string): Promise<number | null> | number | null;
  /** Deletes the lock row if `owner` still holds it. */
  release(key: string, owner: string): Promise<void> | void;
  /** Moves the lease end to `expiresAt` if `owner` still holds the lock; true when it did. */
  extend(key: string, owner: string, expiresAt: number): Promise<boolean> | boolean;
}

/**
 * The refresh lock's engine for every process that opens one database file: a row per key in the lock table,
 * holding an owner and a lease end, taken in a `BEGIN IMMEDIATE` transaction. A lease that looks held is not worth
 * a write transaction: the attempt answers busy until its end (the kernel sleeps until then at most). A holder that
 * died leaves its row behind; the next caller takes it over once its lease has ended (one host, one clock).
 */
export class SQLiteLockEngine implements LockEngine {
  readonly #table: LockTable;
  readonly #signalPath: string | null;
  readonly wake: LockWakeChannel | undefined;

  /**
   * `signalPath`: a file beside the database that a release rewrites once its transaction has committed; its folder
   * is watched while someone waits (a commit's own writes to the -wal file come before other connections can see
   * it, so they cannot serve as the signal). Null: no wake channel (an in-memory or passed-in database).
   */
  constructor(table: LockTable, signalPath: string | null = null) {
    this.#table = table;
    this.#signalPath = signalPath;
    const signalFile = signalPath === null ? null : basename(signalPath);
    this.wake =
      signalPath === null ? undefined : new DirectoryWakeChannel(dirname(signalPath), (changed) => (changed === signalFile ? 'all' : null));
  }

  async tryLock(name: string, leaseMs: number): Promise<HeldLock | LockBusy> {
    const now = Date.now();
    const end = await this.#table.leaseEnd(name);
    if (end !== null && end > now) return { busy: true, retryInMs: end - now };
    const owner = `${process.pid}:${randomUUID()}`;
    if (!(await this.#table.tryTake(name, owner, now + leaseMs, now))) return BUSY;
    return {
      release: async () => {
        await this.#table.release(name, owner);
        await this.#announce();
      },
      extend: async (ms) => this.#table.extend(name, owner, Date.now() + ms),
    };
  }

  /** Rewrites the signal file (one byte, owner-only), which wakes waiters watching its folder; a failure only costs them time. */
  async #announce(): Promise<void> {
    if (this.#signalPath === null) return;
    await writeFile(this.#signalPath, '1', { mode: 0o600 }).catch(() => undefined);
  }
}
