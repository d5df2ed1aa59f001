import { LOOKUP_FIELDS, type LookupField } from '../../contract/matching-rule.js';
import { COLUMN_OF_FIELD, OFFICIAL_COLUMNS } from '../../token/official-columns.js';

/** Decimal ids as the store generates them; the partial index below serves `max(id)` over exactly these rows. */
const DECIMAL_ID = `id ~ '^[0-9]{1,10}$'`;

const quote = (identifier: string): string => `"${identifier}"`;

/** The table of refresh locks, one per schema, shared by every store table in it (lock names carry the table). */
export const LOCK_TABLE = 'zts_locks';
/** The NOTIFY channel of released refresh locks (postgres-wake.ts listens on it). */
export const RELEASE_CHANNEL = 'zts_lock_released';

const COLUMN_LIST = OFFICIAL_COLUMNS.join(', ');
const PLACEHOLDERS = OFFICIAL_COLUMNS.map((_, i) => `$${i + 1}`).join(', ');
const ASSIGNMENTS = OFFICIAL_COLUMNS.slice(1)
  .map((column, i) => `${column} = $${i + 2}`)
  .join(', ');
// $11…$19: the values the row was read with. IS NOT DISTINCT FROM: NULL equals NULL, and text compares exactly.
const UNCHANGED = OFFICIAL_COLUMNS.slice(1)
  .map((column, i) => `${column} IS NOT DISTINCT FROM $${i + OFFICIAL_COLUMNS.length + 1}`)
  .join(' AND ');

/**
 * Every statement of the store, built once from the validated (and here quoted) schema and table names. Values
 * are always bound as parameters; identifiers cannot be, which is why they are validated first.
 */
export function postgresStatements(schema: string, table: string, writeLockKey: string) {
  if (!/^-?\d{1,19}$/.test(writeLockKey)) throw new RangeError('the write lock key must be a 64-bit integer');
  const qualified = `${quote(schema)}.${quote(table)}`;
  const locks = `${quote(schema)}.${quote(LOCK_TABLE)}`;
  // The lease's end in the server's clock: $3 milliseconds from now.
  const leaseEnd = `clock_timestamp() + $3::float8 * interval '1 millisecond'`;
  const findBy = (field: LookupField, lock = ''): string => {
    const column = COLUMN_OF_FIELD[field];
    // user_name and id are unique; a token value may be shared, and then the oldest decimal id answers.
    const order = field === 'id' || field === 'userName' ? '' : ' ORDER BY length(id), id LIMIT 1';
    return `SELECT ${COLUMN_LIST} FROM ${qualified} WHERE ${column} = $1${order}${lock}`;
  };
  const byField = (lock: string) =>
    Object.freeze(Object.fromEntries(LOOKUP_FIELDS.map((field) => [field, findBy(field, lock)]))) as Readonly<Record<LookupField, string>>;
  return Object.freeze({
    schemaExists: 'SELECT 1 FROM pg_namespace WHERE nspname = $1',
    createSchema: `CREATE SCHEMA IF NOT EXISTS ${quote(schema)}`,
    // A plain read of pg_class, not to_regclass(): after waiting for an advisory lock, a session's catalog caches
    // may still say "no such table" although the holder has just created it; a query's snapshot is fresh.
    tableExists: `SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2) AS present`,
    // pg_attribute rather than information_schema, which hides the columns a user has no privilege on.
    columnsOf: `SELECT a.attname AS column_name FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped`,
    // The official MySQL table, with text for the token columns: PostgreSQL stores text and varchar alike, and
    // text refuses no token for its length. id and expiry_time keep the official varchar(10) / varchar(20).
    createTable: [
      `CREATE TABLE ${qualified} (
        id varchar(10) NOT NULL PRIMARY KEY,
        user_name text UNIQUE,
        client_id text,
        client_secret text,
        refresh_token text,
        access_token text,
        grant_token text,
        expiry_time varchar(20),
        redirect_url text,
        api_domain text
      )`,
      `CREATE INDEX ON ${qualified} (access_token)`,
      `CREATE INDEX ON ${qualified} (refresh_token)`,
      `CREATE INDEX ON ${qualified} (grant_token)`,
      `CREATE INDEX ON ${qualified} ((id::bigint)) WHERE ${DECIMAL_ID}`,
    ],
    /** One row by a lookup field. */
    find: byField(''),
    // Inside a locked save: the row found stays locked until COMMIT, so a compare-and-set save waits, then fails.
    findForUpdate: byField(' FOR UPDATE'),
    list: `SELECT ${COLUMN_LIST} FROM ${qualified}`,
    nextId: `SELECT (COALESCE(MAX(id::bigint), 0) + 1)::text AS next FROM ${qualified} WHERE ${DECIMAL_ID}`,
    insert: `INSERT INTO ${qualified} (${COLUMN_LIST}) VALUES (${PLACEHOLDERS})`,
    update: `UPDATE ${qualified} SET ${ASSIGNMENTS} WHERE id = $1`,
    // A save without the write lock: binds are the ten new values, then the nine the row was read with; it
    // changes nothing (rowCount 0) when the row was changed or deleted since.
    compareAndSet: `UPDATE ${qualified} SET ${ASSIGNMENTS} WHERE id = $1 AND ${UNCHANGED}`,
    deleteById: `DELETE FROM ${qualified} WHERE id = $1`,
    deleteAll: `DELETE FROM ${qualified}`,
    // One round trip for both (a parameterless query may hold two statements). The key is not input: it is the
    // store's own 64-bit hash of the table name, checked above to be an integer.
    beginLocked: `BEGIN; SELECT pg_advisory_xact_lock(${writeLockKey}::bigint)`,
    commit: 'COMMIT',
    rollback: 'ROLLBACK',
    /** The refresh locks: one row per lock, its owner and the end of its lease in the server's clock. */
    createLockTable: `CREATE TABLE IF NOT EXISTS ${locks} (
        name text NOT NULL PRIMARY KEY,
        owner text NOT NULL,
        expires_at timestamptz NOT NULL
      )`,
    lockTableExists: `SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = '${LOCK_TABLE}') AS present`,
    // One statement, so it holds behind a transaction pooler: takes the lock if it is free or its lease has ended,
    // and tells how long the current lease has left when it is not (the outer select sees the row as it was).
    tryLock: `WITH taken AS (
        INSERT INTO ${locks} AS l (name, owner, expires_at) VALUES ($1, $2, ${leaseEnd})
        ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
        WHERE l.expires_at <= clock_timestamp()
        RETURNING 1
      )
      SELECT EXISTS (SELECT 1 FROM taken) AS taken,
        (SELECT GREATEST(0, EXTRACT(EPOCH FROM (expires_at - clock_timestamp())) * 1000)::float8 FROM ${locks} WHERE name = $1) AS left_ms`,
    extendLock: `UPDATE ${locks} SET expires_at = ${leaseEnd} WHERE name = $1 AND owner = $2`,
    // Announces the release to waiters LISTENing (postgres-wake.ts); NOTIFY is delivered at commit, and works from
    // any session, a transaction pooler's included.
    releaseLock: `WITH released AS (DELETE FROM ${locks} WHERE name = $1 AND owner = $2 RETURNING name)
      SELECT pg_notify('${RELEASE_CHANNEL}', name) FROM released`,
  });
}

export type PostgresStatements = ReturnType<typeof postgresStatements>;
