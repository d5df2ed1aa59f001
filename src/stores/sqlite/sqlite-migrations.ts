import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import { OFFICIAL_COLUMNS } from '../../token/official-columns.js';
import type { SQLiteDatabase } from './sqlite-driver.js';
import { CREATE_TOKEN_TABLE, LOCK_TABLE, SCHEMA_TABLE, TOKEN_TABLE } from './sqlite-schema.js';

/** One step of the schema. Steps run in order, each once per database, inside one `BEGIN IMMEDIATE` transaction. */
export interface Migration {
  readonly version: number;
  readonly description: string;
  up(db: SQLiteDatabase): void;
}

const corrupt = (message: string): TokenStoreError => new TokenStoreError(ErrorCode.STORE_CORRUPT, message);

/**
 * Version 1: the article's table (created, or adopted as it is), the constraints and indexes it lacks, and the
 * refresh-lock table. A table made by the article's sample is used in place: nothing in it is rewritten except
 * empty user names, which mean "no user" and would otherwise collide in the unique index.
 */
const version1: Migration = {
  version: 1,
  description: "the article's oauthtoken table, a unique user name, lookup indexes, the refresh-lock table",
  up(db) {
    const present = new Set(
      (db.prepare('SELECT lower(name) AS name FROM pragma_table_info(?)').all(TOKEN_TABLE) as Array<{ name: string }>).map(
        (column) => column.name,
      ),
    );
    if (present.size === 0) {
      db.exec(CREATE_TOKEN_TABLE);
    } else {
      const missing = OFFICIAL_COLUMNS.filter((column) => column !== 'api_domain' && !present.has(column));
      if (missing.length > 0) {
        throw corrupt(
          `The table ${TOKEN_TABLE} exists but has no column ${missing.join(', ')}: it is not a Zoho token table. ` +
            'Rename that table or use another database file.',
        );
      }
      // Tables written by SDKs before api_domain existed have nine columns (as their files do).
      if (!present.has('api_domain')) db.exec(`ALTER TABLE ${TOKEN_TABLE} ADD COLUMN api_domain varchar(255)`);
      db.exec(`UPDATE ${TOKEN_TABLE} SET user_name = NULL WHERE user_name = ''`);
      const shared = db
        .prepare(
          `SELECT group_concat(id, ', ') AS ids FROM ${TOKEN_TABLE} WHERE user_name IS NOT NULL ` +
            'GROUP BY user_name HAVING count(*) > 1 LIMIT 5',
        )
        .all() as Array<{ ids: string }>;
      if (shared.length > 0) {
        throw corrupt(
          `The table ${TOKEN_TABLE} has tokens that share a user name (ids ${shared.map((row) => row.ids).join('; ')}), ` +
            'which the store does not allow. Delete all but one token of each group (by id), then open it again; ' +
            'nothing was changed.',
        );
      }
    }
    db.exec(`
      CREATE UNIQUE INDEX IF NOT EXISTS ${TOKEN_TABLE}_user_name ON ${TOKEN_TABLE} (user_name);
      CREATE INDEX IF NOT EXISTS ${TOKEN_TABLE}_access_token ON ${TOKEN_TABLE} (access_token);
      CREATE INDEX IF NOT EXISTS ${TOKEN_TABLE}_refresh_token ON ${TOKEN_TABLE} (refresh_token);
      CREATE INDEX IF NOT EXISTS ${TOKEN_TABLE}_grant_token ON ${TOKEN_TABLE} (grant_token);
      CREATE INDEX IF NOT EXISTS ${TOKEN_TABLE}_id_number ON ${TOKEN_TABLE} (CAST(id AS INTEGER));
      CREATE TABLE IF NOT EXISTS ${LOCK_TABLE} (
        lock_key TEXT NOT NULL PRIMARY KEY,
        owner TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      );
    `);
  },
};

/** Every schema step, oldest first. Add a step at the end to add columns or indexes; never edit a released one. */
export const MIGRATIONS: readonly Migration[] = [version1];

/** The schema version this code writes and reads. */
export const SCHEMA_VERSION = MIGRATIONS.length;

function storedVersion(db: SQLiteDatabase): number {
  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(SCHEMA_TABLE);
  if (!hasTable) return 0;
  const row = db.prepare(`SELECT version FROM ${SCHEMA_TABLE} WHERE subject = ?`).get(TOKEN_TABLE) as { version: number } | undefined;
  return row?.version ?? 0;
}

function refuseNewer(version: number): void {
  if (version > SCHEMA_VERSION) {
    throw corrupt(
      `The database has token schema version ${version}, newer than the ${SCHEMA_VERSION} this version of ` +
        'zoho-token-store knows; upgrade zoho-token-store to use it.',
    );
  }
}

/**
 * Brings the database to `SCHEMA_VERSION`. A current database costs two reads and no lock; otherwise the steps
 * run in one `BEGIN IMMEDIATE` transaction, after reading the version again under the write lock, so processes
 * opening one new file at once migrate it exactly once. A failed step leaves the file as it was.
 */
export function migrate(db: SQLiteDatabase): void {
  const seen = storedVersion(db);
  refuseNewer(seen);
  if (seen === SCHEMA_VERSION) return;
  db.exec('BEGIN IMMEDIATE');
  try {
    const version = storedVersion(db);
    refuseNewer(version);
    db.exec(`CREATE TABLE IF NOT EXISTS ${SCHEMA_TABLE} (subject TEXT NOT NULL PRIMARY KEY, version INTEGER NOT NULL)`);
    const record = db.prepare(
      `INSERT INTO ${SCHEMA_TABLE} (subject, version) VALUES (?, ?) ON CONFLICT (subject) DO UPDATE SET version = excluded.version`,
    );
    for (const step of MIGRATIONS) {
      if (step.version <= version) continue;
      step.up(db);
      record.run(TOKEN_TABLE, step.version);
    }
    db.exec('COMMIT');
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}
