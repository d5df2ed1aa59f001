import { LOOKUP_FIELDS, type LookupField } from '../../contract/matching-rule.js';
import { COLUMN_OF_FIELD, OFFICIAL_COLUMNS } from '../../token/official-columns.js';
import type { SQLiteDatabase, SQLiteStatement } from './sqlite-driver.js';
import { COLUMN_LIST, LOCK_TABLE, TOKEN_TABLE } from './sqlite-schema.js';
import { ENVELOPE_PREFIX } from '../../encryption/envelope.js';

/** A key bit beyond the nine column bits. */
const PLAINTEXT_ONLY = 1 << 9;

/** `column = ?` for each column in `mask` (a bit per official column after id, in order). */
const assignmentsOf = (mask: number): string =>
  OFFICIAL_COLUMNS.slice(1)
    .filter((_, i) => (mask & (1 << i)) !== 0)
    .map((column) => `${column} = ?`)
    .join(', ');

/**
 * Every statement the store runs, prepared once when it opens. Values are always bound parameters; the only
 * names in the SQL are the fixed table and column names above.
 */
export class Statements {
  readonly begin: SQLiteStatement;
  readonly commit: SQLiteStatement;
  readonly rollback: SQLiteStatement;
  /**
   * One per lookup field, rows as arrays in official column order. Several rows may share a token value; the oldest
   * (lowest rowid) wins.
   */
  readonly findBy: Readonly<Record<LookupField, SQLiteStatement>>;
  readonly list: SQLiteStatement;
  /** The largest decimal id (through the index on `CAST(id AS INTEGER)`), or null when the table is empty. */
  readonly maxNumericId: SQLiteStatement;
  readonly insert: SQLiteStatement;
  readonly deleteById: SQLiteStatement;
  readonly deleteAll: SQLiteStatement;
  /** Holder and lease end of one refresh lock. */
  readonly lockHolder: SQLiteStatement;
  /** Takes a lock that is free or whose lease ended: changes 1 when taken. Params: key, owner, expires_at, now. */
  readonly takeLock: SQLiteStatement;
  readonly releaseLock: SQLiteStatement;
  /** Moves the lease end of a lock its owner still holds: changes 1 when it did. Params: expires_at, key, owner. */
  readonly extendLock: SQLiteStatement;

  readonly #db: SQLiteDatabase;
  /** UPDATE statements by the set of columns they assign (a bit per column after id), prepared on first use. */
  readonly #updates = new Map<number, SQLiteStatement>();
  /** The same for updates by user name, keyed by mask (with PLAINTEXT_ONLY for that form). */
  readonly #userUpdates = new Map<number, SQLiteStatement>();

  /**
   * `UPDATE … SET <the columns in mask> WHERE id = ?`. A save assigns only the columns it changes: SQLite rewrites
   * the index entries of every assigned column, changed or not, which made a refresh's save (a new access token and
   * expiry) cost about twice the raw two-column update.
   */
  updateOf(mask: number): SQLiteStatement {
    let statement = this.#updates.get(mask);
    if (statement === undefined) {
      statement = this.#db.prepare(`UPDATE ${TOKEN_TABLE} SET ${assignmentsOf(mask)} WHERE id = ?`);
      this.#updates.set(mask, statement);
    }
    return statement;
  }

  /**
   * `UPDATE … SET <the columns in mask> WHERE user_name = ? AND <the row reads cleanly> RETURNING id`: a save of an
   * existing user's token as one auto-committed statement (atomic, under the write lock like any write), instead of
   * BEGIN IMMEDIATE, a lookup, the update and COMMIT. The conditions leave alone, for the full save to report, a
   * row with binary data and, with `plaintextOnly`, one holding encrypted values (the test `refuseEncrypted` makes:
   * the first of access, refresh and grant token present, empty text counting as absent).
   */
  updateByUserNameOf(mask: number, plaintextOnly: boolean): SQLiteStatement {
    const key = plaintextOnly ? mask | PLAINTEXT_ONLY : mask;
    let statement = this.#userUpdates.get(key);
    if (statement === undefined) {
      const conditions = [`'blob' NOT IN (${OFFICIAL_COLUMNS.map((column) => `typeof(${column})`).join(', ')})`];
      if (plaintextOnly) {
        const first = ['access_token', 'refresh_token', 'grant_token'].map((column) => `nullif(${column}, '')`).join(', ');
        conditions.push(`substr(coalesce(${first}), 1, ${ENVELOPE_PREFIX.length}) IS NOT '${ENVELOPE_PREFIX}'`);
      }
      statement = this.#db
        .prepare(`UPDATE ${TOKEN_TABLE} SET ${assignmentsOf(mask)} WHERE user_name = ? AND ${conditions.join(' AND ')} RETURNING id`)
        .pluck(true);
      this.#userUpdates.set(key, statement);
    }
    return statement;
  }

  constructor(db: SQLiteDatabase) {
    this.#db = db;
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
    const findBy = {} as Record<LookupField, SQLiteStatement>;
    for (const field of LOOKUP_FIELDS) {
      const column = COLUMN_OF_FIELD[field];
      const order = field === 'id' || field === 'userName' ? '' : ' ORDER BY rowid';
      findBy[field] = db.prepare(`SELECT ${COLUMN_LIST} FROM ${TOKEN_TABLE} WHERE ${column} = ?${order} LIMIT 1`).raw(true);
    }
    this.findBy = Object.freeze(findBy);
    this.list = db.prepare(`SELECT ${COLUMN_LIST} FROM ${TOKEN_TABLE}`).raw(true);
    this.maxNumericId = db.prepare(`SELECT MAX(CAST(id AS INTEGER)) AS max FROM ${TOKEN_TABLE}`);
    this.insert = db.prepare(`INSERT INTO ${TOKEN_TABLE} (${COLUMN_LIST}) VALUES (${OFFICIAL_COLUMNS.map(() => '?').join(', ')})`);
    this.deleteById = db.prepare(`DELETE FROM ${TOKEN_TABLE} WHERE id = ?`);
    this.deleteAll = db.prepare(`DELETE FROM ${TOKEN_TABLE}`);
    this.lockHolder = db.prepare(`SELECT owner, expires_at AS expiresAt FROM ${LOCK_TABLE} WHERE lock_key = ?`);
    this.takeLock = db.prepare(
      `INSERT INTO ${LOCK_TABLE} (lock_key, owner, expires_at) VALUES (?, ?, ?) ` +
        'ON CONFLICT (lock_key) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at ' +
        'WHERE expires_at <= ?',
    );
    this.releaseLock = db.prepare(`DELETE FROM ${LOCK_TABLE} WHERE lock_key = ? AND owner = ?`);
    this.extendLock = db.prepare(`UPDATE ${LOCK_TABLE} SET expires_at = ? WHERE lock_key = ? AND owner = ?`);
  }
}
