import { createHash } from 'node:crypto';
import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import { OFFICIAL_COLUMNS, type OfficialColumn } from '../../token/official-columns.js';
import { rowsOf, type MySqlPool, type MySqlPoolConnection, type MySqlQueryable } from './mysql-driver.js';
import { isPrivilegeDenied, isDuplicateKey } from './mysql-errors.js';
import type { MySQLStoreConfig } from './mysql-options.js';
import { DEFAULT_DATABASE } from './mysql-options.js';
import { MySqlTable, type ColumnInfo } from './mysql-table.js';

const quote = (identifier: string): string => `\`${identifier}\``;

// Collations that compare code points exactly, with no trailing-space padding: MariaDB's, then MySQL 8's.
const EXACT_COLLATIONS = ['utf8mb4_nopad_bin', 'utf8mb4_0900_bin'] as const;
// The token columns hold Zoho tokens of ~70 characters: a 191-character prefix (764 bytes in utf8mb4) finds them
// and fits even the 767-byte key limit of old row formats. The user name index is unique, so it must cover the
// whole column (1020 bytes, which needs the DYNAMIC row format, the default since MySQL 5.7 and MariaDB 10.2).
const TOKEN_INDEX_PREFIX = 191;
const TOKEN_COLUMNS = ['access_token', 'refresh_token', 'grant_token'] as const;
/**
 * An invisible, indexed, virtual column holding the numeric value of decimal ids, so that `max(id) + 1` is one
 * index lookup instead of a scan of every row. Invisible columns are left out of `SELECT *` and need no value on
 * INSERT, so the official SDK does not see it.
 */
export const ID_NUMBER_COLUMN = 'zts_id_number';
const ID_NUMBER_DEFINITION =
  `ADD COLUMN \`${ID_NUMBER_COLUMN}\` BIGINT UNSIGNED AS (IF(\`id\` REGEXP '^[0-9]{1,10}$', CAST(\`id\` AS UNSIGNED), NULL)) VIRTUAL INVISIBLE, ` +
  `ADD INDEX \`${ID_NUMBER_COLUMN}\` (\`${ID_NUMBER_COLUMN}\`)`;

/** The table of refresh locks, one per database, shared by every store table in it (lock names carry the table). */
export const LOCK_TABLE = 'zts_locks';

/** The refresh-lock table: a row per lock, its owner and the end of its lease in the server's clock, in UTC (no zone kept). */
function createLockTableSql(database: string): string {
  return `CREATE TABLE IF NOT EXISTS ${quote(database)}.${quote(LOCK_TABLE)} (
  \`name\` varchar(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  \`owner\` varchar(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  \`expires_at\` datetime(6) NOT NULL,
  PRIMARY KEY (\`name\`)
) ENGINE=InnoDB`;
}

/** A name for GET_LOCK (at most 64 characters): a fixed prefix and a hash of what it protects. */
export function lockName(kind: string, ...parts: string[]): string {
  return `zts:${kind}:${createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 40)}`;
}

/** Runs `work` on one connection while holding a named lock, so concurrent starts do not race on DDL. */
async function withNamedLock<T>(
  pool: MySqlPool,
  name: string,
  waitSeconds: number,
  work: (connection: MySqlPoolConnection) => Promise<T>,
): Promise<T> {
  const connection = await pool.getConnection();
  let destroy = false;
  try {
    const [got] = rowsOf(await connection.query('SELECT GET_LOCK(?, ?) AS got', [name, waitSeconds]));
    if (Number(got?.got) !== 1) {
      throw new TokenStoreError(
        ErrorCode.STORE_UNAVAILABLE,
        'MySQLStore: another process kept the schema lock too long while preparing the table; retry.',
      );
    }
    try {
      return await work(connection);
    } finally {
      await connection.query('DO RELEASE_LOCK(?)', [name]);
    }
  } catch (error) {
    destroy = true;
    throw error;
  } finally {
    // On failure the session may still hold the lock: ending it releases the lock for certain.
    if (destroy) connection.destroy();
    else connection.release();
  }
}

async function exactCollation(db: MySqlQueryable): Promise<string> {
  const rows = rowsOf(
    await db.query('SELECT COLLATION_NAME AS name FROM information_schema.COLLATIONS WHERE COLLATION_NAME IN (?, ?)', [
      ...EXACT_COLLATIONS,
    ]),
  );
  const available = new Set(rows.map((row) => String(row.name)));
  return EXACT_COLLATIONS.find((name) => available.has(name)) ?? 'utf8mb4_bin';
}

/**
 * The official table, with an exact collation so that lookups, the unique index and ids compare code points, and
 * the indexes `missingIndexes` would otherwise add.
 */
function createTableSql(database: string, table: string, collation: string): string {
  const text = (column: string, length: number) => `${quote(column)} varchar(${length}) COLLATE ${collation}`;
  const tokenIndexes = TOKEN_COLUMNS.map((column) => `INDEX ${quote(`zts_${column}`)} (${quote(column)}(${TOKEN_INDEX_PREFIX}))`);
  return `CREATE TABLE IF NOT EXISTS ${quote(database)}.${quote(table)} (
  ${text('id', 10)} NOT NULL,
  ${['user_name', 'client_id', 'client_secret', 'refresh_token', 'access_token', 'grant_token'].map((c) => text(c, 255)).join(',\n  ')},
  ${text('expiry_time', 20)},
  ${text('redirect_url', 255)},
  ${text('api_domain', 255)},
  PRIMARY KEY (\`id\`),
  UNIQUE INDEX \`zts_user_name\` (\`user_name\`),
  ${tokenIndexes.join(',\n  ')}
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=${collation}`;
}

interface ColumnRow {
  readonly name: OfficialColumn | typeof ID_NUMBER_COLUMN;
  readonly maxLength: number | null;
  readonly collation: string | null;
}

async function readColumns(db: MySqlQueryable, database: string, table: string): Promise<ColumnRow[]> {
  const rows = rowsOf(
    await db.query(
      `SELECT COLUMN_NAME AS name, CHARACTER_MAXIMUM_LENGTH AS max_length, COLLATION_NAME AS collation
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?`,
      [database, table],
    ),
  );
  return rows.map((row) => ({
    name: String(row.name).toLowerCase() as ColumnRow['name'],
    maxLength: row.max_length === null ? null : Number(row.max_length),
    collation: row.collation === null ? null : String(row.collation),
  }));
}

async function tableExists(db: MySqlQueryable, database: string, table: string): Promise<boolean> {
  const rows = rowsOf(
    await db.query('SELECT 1 AS found FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [database, table]),
  );
  return rows.length > 0;
}

async function databaseExists(db: MySqlQueryable, database: string): Promise<boolean> {
  const rows = rowsOf(await db.query('SELECT 1 AS found FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [database]));
  return rows.length > 0;
}

/** The ALTER TABLE clauses for the indexes the table lacks: a unique user name, and one per token column. */
async function missingIndexes(db: MySqlQueryable, database: string, table: string, columns: readonly ColumnRow[]): Promise<string[]> {
  const rows = rowsOf(
    await db.query(
      `SELECT INDEX_NAME AS name, NON_UNIQUE AS non_unique, COLUMN_NAME AS column_name, SEQ_IN_INDEX AS seq
       FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?`,
      [database, table],
    ),
  );
  const indexes = new Map<string, { unique: boolean; columns: string[] }>();
  for (const row of rows) {
    const name = String(row.name);
    const index = indexes.get(name) ?? { unique: Number(row.non_unique) === 0, columns: [] };
    index.columns[Number(row.seq) - 1] = String(row.column_name).toLowerCase();
    indexes.set(name, index);
  }
  const all = [...indexes.values()];
  const clauses: string[] = [];
  if (!all.some((index) => index.unique && index.columns.length === 1 && index.columns[0] === 'user_name')) {
    clauses.push('ADD UNIQUE INDEX `zts_user_name` (`user_name`)');
  }
  for (const column of TOKEN_COLUMNS) {
    if (all.some((index) => index.columns[0] === column)) continue;
    const length = columns.find((info) => info.name === column)?.maxLength ?? null;
    const prefix = length !== null && length > TOKEN_INDEX_PREFIX ? `(${TOKEN_INDEX_PREFIX})` : '';
    clauses.push(`ADD INDEX ${quote(`zts_${column}`)} (${quote(column)}${prefix})`);
  }
  return clauses;
}

async function duplicateUserIds(db: MySqlQueryable, database: string, table: string): Promise<string[]> {
  const rows = rowsOf(
    await db.query(
      `SELECT t.id AS id FROM ${quote(database)}.${quote(table)} t
       JOIN (SELECT user_name FROM ${quote(database)}.${quote(table)} WHERE user_name IS NOT NULL
             GROUP BY user_name HAVING COUNT(*) > 1) d ON d.user_name = t.user_name ORDER BY t.id LIMIT 20`,
    ),
  );
  return rows.map((row) => String(row.id));
}

async function addIndexes(db: MySqlQueryable, database: string, table: string, clauses: readonly string[]): Promise<void> {
  if (clauses.length === 0) return;
  try {
    await db.query(`ALTER TABLE ${quote(database)}.${quote(table)} ${clauses.join(', ')}`);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (isDuplicateKey(error)) {
      const ids = await duplicateUserIds(db, database, table);
      throw new TokenStoreError(
        ErrorCode.STORE_CORRUPT,
        `MySQLStore: ${database}.${table} holds one user name in several rows (ids ${ids.join(', ')}; compared by the column's collation), ` +
          'so the unique index on user_name cannot be added. Delete the stale rows, then open the store again.',
        { cause: error },
      );
    }
    if (code === 'ER_TOO_LONG_KEY') {
      throw new TokenStoreError(
        ErrorCode.STORE_CORRUPT,
        `MySQLStore: the unique index on ${database}.${table}.user_name is longer than the table's row format allows; ` +
          `run ALTER TABLE ${database}.${table} ROW_FORMAT=DYNAMIC, then open the store again.`,
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * The DDL of `createDatabase` / `createTable`, under a named lock so concurrent starts do not race. Only what is
 * missing is created, so a user without CREATE can open tables that exist; a privilege the DDL needs and lacks is
 * STORE_ACCESS_DENIED naming the tables and the privileges, rather than the token table alone.
 */
async function createOrComplete(pool: MySqlPool, config: MySQLStoreConfig, database: string, table: string): Promise<void> {
  const where = `${database}.${table}`;
  try {
    await withNamedLock(pool, lockName('schema', database, table), 30, async (db) => {
      if (config.createDatabase) await db.query(`CREATE DATABASE IF NOT EXISTS ${quote(database)} CHARACTER SET utf8mb4`);
      if (!(await databaseExists(db, database))) {
        throw new TokenStoreError(
          ErrorCode.INVALID_CONFIG,
          `MySQLStore: the database of ${where} does not exist; create it or pass createDatabase: true.`,
        );
      }
      if (!config.createTable) return;
      if (!(await tableExists(db, database, table))) await db.query(createTableSql(database, table, await exactCollation(db)));
      let columns = await readColumns(db, database, table);
      if (!columns.some((column) => column.name === 'api_domain') && columns.some((column) => column.name === 'redirect_url')) {
        // A table from an SDK before 8.0: the column 8.0 added, where 8.0 has it.
        await db.query(`ALTER TABLE ${quote(database)}.${quote(table)} ADD COLUMN \`api_domain\` varchar(255) AFTER \`redirect_url\``);
        columns = await readColumns(db, database, table);
      }
      await addIndexes(db, database, table, await missingIndexes(db, database, table, columns));
      if (!(await tableExists(db, database, LOCK_TABLE))) await db.query(createLockTableSql(database));
      if (!columns.some((column) => column.name === ID_NUMBER_COLUMN)) {
        // Optional: servers without invisible or virtual columns (before MariaDB 10.3, MySQL 8.0.23) scan for the max.
        await db.query(`ALTER TABLE ${quote(database)}.${quote(table)} ${ID_NUMBER_DEFINITION}`).catch(() => undefined);
      }
    });
  } catch (error) {
    if (!isPrivilegeDenied(error)) throw error;
    throw new TokenStoreError(
      ErrorCode.STORE_ACCESS_DENIED,
      `MySQLStore could not create or complete ${where} and the refresh lock's table ${database}.${LOCK_TABLE}: the server refused a privilege (CREATE, ALTER or INDEX on ${database}). Grant them, or open the store once as a user that has them (docs/mysql-store.md, "Privileges").`,
      { cause: error },
    );
  }
}

/**
 * Finds (and, when allowed, creates or completes) the official table, and reads its columns. With `createTable`
 * the table gets what the official one lacks, and nothing the official SDK would notice: a unique index on
 * `user_name` and prefix indexes on the token columns (and `api_domain` on a pre-8 table). Concurrent starts
 * take a named lock so their DDL does not race.
 */
export async function prepareTable(pool: MySqlPool, config: MySQLStoreConfig): Promise<MySqlTable> {
  let database = config.database;
  if (database === null) {
    const [row] = rowsOf(await pool.query('SELECT DATABASE() AS name'));
    database = typeof row?.name === 'string' && row.name !== '' ? row.name : DEFAULT_DATABASE;
  }
  const table = config.table;
  const where = `${database}.${table}`;

  if (config.createDatabase || config.createTable) {
    await createOrComplete(pool, config, database, table);
  }

  const columns = await readColumns(pool, database, table);
  if (columns.length === 0) {
    const exists = await databaseExists(pool, database);
    throw new TokenStoreError(
      ErrorCode.INVALID_CONFIG,
      exists
        ? `MySQLStore: the table ${where} does not exist; create it or pass createTable: true.`
        : `MySQLStore: the database of ${where} does not exist; create it or pass createDatabase: true.`,
    );
  }
  const missing = OFFICIAL_COLUMNS.filter((name) => !columns.some((column) => column.name === name));
  if (missing.length > 0) {
    throw new TokenStoreError(
      ErrorCode.STORE_CORRUPT,
      `MySQLStore: the table ${where} lacks the official column(s) ${missing.join(', ')}; it is not an oauthtoken table.`,
    );
  }
  const info = Object.fromEntries(
    OFFICIAL_COLUMNS.map((name) => {
      const column = columns.find((candidate) => candidate.name === name) as ColumnRow;
      const exact = column.collation !== null && (EXACT_COLLATIONS as readonly string[]).includes(column.collation);
      return [name, { maxLength: column.maxLength, exact } satisfies ColumnInfo];
    }),
  ) as Record<OfficialColumn, ColumnInfo>;
  return new MySqlTable(
    database,
    table,
    info,
    columns.some((column) => column.name === ID_NUMBER_COLUMN),
  );
}
