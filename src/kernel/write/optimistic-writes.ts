import type { LookupField } from '../../contract/matching-rule.js';
import type { TokenWriter } from '../../contract/token-backend.js';
import type { TokenRecord } from '../../token/token-fields.js';
import { SerialQueue } from '../lock/serial-queue.js';
import { planOptimisticSave } from './optimistic-save.js';
import { VersionCache, type VersionedRow } from './version-cache.js';

/** What a compare-and-set did. */
export type CompareAndSetOutcome<Row extends VersionedRow> =
  /** Written: the row as it is now stored, the version the next save starts from. */
  | { readonly applied: Row }
  /** The row no longer holds the version read: nothing was written. */
  | 'stale'
  /** This update cannot be sent as a compare-and-set (a row from before versions, a value to check under the lock). */
  | 'locked';

/** What a save under the engine's write lock did: the work's result and the rows written. */
export interface LockedWrite<T, Row extends VersionedRow> {
  readonly value: T;
  readonly written: readonly Row[];
}

/**
 * The primitives of an engine whose writers may run on many hosts at once (a database server): a fresh read of one
 * row, a conditional write of a row against the version read, and a write under the engine's own write lock (a
 * transaction holding a lock, a script checking one), where new ids are chosen. `OptimisticWrites` owns the rest.
 */
export interface OptimisticEngine<Row extends VersionedRow> {
  read(field: LookupField, value: string): Promise<Row | null>;
  compareAndSet(previous: Row, next: TokenRecord): Promise<CompareAndSetOutcome<Row>>;
  lockedWrite<T>(work: (writer: TokenWriter) => Promise<T>): Promise<LockedWrite<T, Row>>;
}

export interface OptimisticWritesOptions {
  /** Lookup keys whose last version is kept (bounded memory). */
  readonly cacheKeys: number;
  /** The lookup keys rows are remembered by (default every lookup field). */
  readonly fields?: readonly LookupField[];
  /** Run this process's writes one at a time (so they do not compete with each other for the engine's lock). */
  readonly serialise: boolean;
}

/**
 * The save loop of a shared engine. A save that updates one row this process has read or written, keeping its user
 * name (what a save after findToken does), is tried first without the lock: the work runs on the remembered
 * version and its one update goes out as a compare-and-set. If another writer changed the row since, nothing is
 * written and the save tries once more from a fresh read. Every other save — a new token, a lookup that finds
 * nothing, a new user name, a compare-and-set that lost twice — runs under the engine's write lock. No path
 * overwrites a row it has not seen in its current version. `work` only reads and writes through the writer it is
 * given, so running it more than once is safe.
 */
export class OptimisticWrites<Row extends VersionedRow> {
  readonly #engine: OptimisticEngine<Row>;
  readonly #versions: VersionCache<Row>;
  readonly #queue: SerialQueue | null;

  constructor(engine: OptimisticEngine<Row>, options: OptimisticWritesOptions) {
    this.#engine = engine;
    this.#versions = new VersionCache<Row>(options.cacheKeys, options.fields);
    this.#queue = options.serialise ? new SerialQueue() : null;
  }

  /** Remembers a row just read as the version the next save of it starts from; passes it through. */
  remember(row: Row | null): Row | null {
    if (row !== null) this.#versions.remember(row);
    return row;
  }

  forgetId(id: string): void {
    this.#versions.forgetId(id);
  }

  forgetAll(): void {
    this.#versions.clear();
  }

  /** Runs `task` in this process's write order (at once when writes are not serialised): for deletes and the like. */
  inTurn<T>(task: () => Promise<T>): Promise<T> {
    return this.#queue === null ? task() : this.#queue.run(task);
  }

  write<T>(work: (writer: TokenWriter) => Promise<T>): Promise<T> {
    return this.inTurn(() => this.#write(work));
  }

  async #write<T>(work: (writer: TokenWriter) => Promise<T>): Promise<T> {
    for (const fromCache of [true, false]) {
      const plan = await planOptimisticSave<T, Row>(
        (field, value) =>
          fromCache ? (this.#versions.get(field, value) ?? null) : this.#engine.read(field, value).then((row) => this.remember(row)),
        work,
      );
      if (plan.locked) break;
      if (plan.update === null) return plan.value;
      const { next, previous } = plan.update;
      const outcome = await this.#engine.compareAndSet(previous, next);
      if (outcome === 'locked') break;
      this.#versions.forget(previous);
      if (outcome !== 'stale') {
        this.#versions.remember(outcome.applied);
        return plan.value;
      }
    }
    const { value, written } = await this.#engine.lockedWrite(work);
    for (const row of written) {
      this.#versions.forgetId(row.record.id);
      this.#versions.remember(row);
    }
    return value;
  }
}
