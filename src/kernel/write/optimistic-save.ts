import type { LookupField } from '../../contract/matching-rule.js';
import type { MaybePromise, TokenWriter } from '../../contract/token-backend.js';
import type { TokenRecord } from '../../token/token-fields.js';
import type { VersionedRow } from './version-cache.js';

/** One update to send as a compare-and-set: `next` applies only while the row still holds `previous`. */
export interface CompareAndSet<Row extends VersionedRow> {
  readonly next: TokenRecord;
  readonly previous: Row;
}

/** What a save's work decided when run without the write lock. */
export type OptimisticPlan<T, Row extends VersionedRow> =
  | { readonly locked: true }
  | { readonly locked: false; readonly value: T; readonly update: CompareAndSet<Row> | null };

/**
 * Runs a save's `work` (the matching rule and the merge, from BackendTokenStore) against rows found by `read`
 * without sending anything, and says whether its outcome can be applied as one compare-and-set: exactly one
 * update of a row `read` found, keeping the row's user name. Anything else — a lookup that finds nothing (a
 * compare-and-set cannot prove a row is still absent), a new id, an insert, a second write, a new user name (the
 * unique name must be checked against other rows), an error of the work on possibly stale reads — answers
 * `locked`, and the engine runs the save again under its write lock. `work` only reads and writes through the
 * writer, so running it twice is safe.
 */
export async function planOptimisticSave<T, Row extends VersionedRow>(
  read: (field: LookupField, value: string) => MaybePromise<Row | null>,
  work: (writer: TokenWriter) => Promise<T>,
): Promise<OptimisticPlan<T, Row>> {
  const found = new Map<string, Row>();
  // Set from inside the writer's methods: an object, so the checks below see what they set.
  const attempt: { locked: boolean; update: CompareAndSet<Row> | null } = { locked: false, update: null };
  const writer: TokenWriter = {
    findBy: async (field, value) => {
      const row = await read(field, value);
      if (row === null) {
        attempt.locked = true;
        return null;
      }
      found.set(row.record.id, row);
      return row.record;
    },
    nextId: () => {
      attempt.locked = true;
      return '0';
    },
    insert: () => {
      attempt.locked = true;
    },
    update: (record) => {
      const previous = found.get(record.id);
      if (attempt.update !== null || previous === undefined || previous.record.userName !== record.userName) attempt.locked = true;
      else attempt.update = { next: record, previous };
    },
  };
  let value: T;
  try {
    value = await work(writer);
  } catch {
    return { locked: true };
  }
  return attempt.locked ? { locked: true } : { locked: false, value, update: attempt.update };
}
