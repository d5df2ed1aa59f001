import type { LookupField } from '../../contract/matching-rule.js';
import { COLUMN_OF_FIELD, OFFICIAL_COLUMNS, type OfficialColumn } from '../../token/official-columns.js';

/** What the store learned about one column of the table when it started. */
export interface ColumnInfo {
  readonly maxLength: number | null;
  /** True when the column's collation compares code points exactly (binary, no padding), so `=` is exact. */
  readonly exact: boolean;
}

export type ColumnInfos = Readonly<Record<OfficialColumn, ColumnInfo>>;

/** A lookup statement and how many times the value is bound in it. */
export interface Lookup {
  readonly sql: string;
  readonly binds: number;
}

const quote = (identifier: string): string => `\`${identifier}\``;
const COLUMN_LIST = OFFICIAL_COLUMNS.map(quote).join(', ');
// Decimal ids (what stores generate) in numeric order: the oldest row first when a token value is not unique.
const OLDEST_FIRST = 'ORDER BY CHAR_LENGTH(`id`), `id`';

/**
 * The statements for one table. Identifiers were validated (plain names only) and are quoted here; every value is
 * a bound parameter. On a column whose collation is case- or space-insensitive (an official table created with
 * the server's default collation), each equality adds a binary comparison so that lookups stay exact.
 */
export class MySqlTable {
  readonly database: string;
  readonly name: string;
  /** `database.table`, for messages. */
  readonly label: string;
  readonly columns: ColumnInfos;
  readonly selectAll: string;
  readonly insert: string;
  /**
   * A compare-and-set update: binds are the nine new values, the id, then the nine values the row was read with;
   * it changes nothing (0 rows) when the row was changed or deleted since.
   */
  readonly update: string;
  readonly deleteById: Lookup;
  readonly deleteAll: string;
  readonly maxDecimalId: string;
  readonly #lookups: Record<LookupField, Lookup>;
  readonly #lockingLookups: Record<LookupField, Lookup>;

  /** `hasIdNumber`: the table has the indexed `zts_id_number` column, so the max id is one index lookup. */
  constructor(database: string, name: string, columns: ColumnInfos, hasIdNumber: boolean) {
    this.database = database;
    this.name = name;
    this.label = `${database}.${name}`;
    this.columns = columns;
    const table = `${quote(database)}.${quote(name)}`;
    const byId = this.#equals('id');
    this.selectAll = `SELECT ${COLUMN_LIST} FROM ${table}`;
    this.insert = `INSERT INTO ${table} (${COLUMN_LIST}) VALUES (${OFFICIAL_COLUMNS.map(() => '?').join(', ')})`;
    const others = OFFICIAL_COLUMNS.filter((column) => column !== 'id');
    const assignments = others.map((column) => `${quote(column)} = ?`);
    const unchanged = others.map((column) => this.#sameAs(column));
    this.update = `UPDATE ${table} SET ${assignments.join(', ')} WHERE ${byId.sql} AND ${unchanged.join(' AND ')}`;
    this.deleteById = { sql: `DELETE FROM ${table} WHERE ${byId.sql}`, binds: byId.binds };
    this.deleteAll = `DELETE FROM ${table}`;
    this.maxDecimalId = hasIdNumber
      ? `SELECT MAX(\`zts_id_number\`) AS max_id FROM ${table}`
      : `SELECT MAX(CAST(\`id\` AS UNSIGNED)) AS max_id FROM ${table} WHERE \`id\` REGEXP '^[0-9]{1,10}$'`;
    const lookup = (field: LookupField): Lookup => {
      const column = COLUMN_OF_FIELD[field];
      const condition = this.#equals(column);
      const unique = column === 'id' || column === 'user_name';
      return { sql: `${this.selectAll} WHERE ${condition.sql}${unique ? '' : ` ${OLDEST_FIRST}`} LIMIT 1`, binds: condition.binds };
    };
    this.#lookups = {
      id: lookup('id'),
      userName: lookup('userName'),
      accessToken: lookup('accessToken'),
      refreshToken: lookup('refreshToken'),
      grantToken: lookup('grantToken'),
    };
    const locking = (field: LookupField): Lookup => ({ sql: `${this.#lookups[field].sql} FOR UPDATE`, binds: this.#lookups[field].binds });
    this.#lockingLookups = {
      id: locking('id'),
      userName: locking('userName'),
      accessToken: locking('accessToken'),
      refreshToken: locking('refreshToken'),
      grantToken: locking('grantToken'),
    };
  }

  /** The lookup of one row by `field`; `forUpdate` locks the row (or the gap where it would be) until commit. */
  lookup(field: LookupField, forUpdate = false): Lookup {
    return forUpdate ? this.#lockingLookups[field] : this.#lookups[field];
  }

  /** `column` still holds exactly the bound value (or both are NULL). */
  #sameAs(column: OfficialColumn): string {
    const name = quote(column);
    return this.columns[column].exact ? `${name} <=> ?` : `CAST(CONVERT(${name} USING utf8mb4) AS BINARY) <=> CAST(? AS BINARY)`;
  }

  /** `column = ?`, plus an exact binary comparison when the column's collation alone is not exact. */
  #equals(column: OfficialColumn): Lookup {
    const name = quote(column);
    if (this.columns[column].exact) return { sql: `${name} = ?`, binds: 1 };
    return { sql: `${name} = ? AND CAST(CONVERT(${name} USING utf8mb4) AS BINARY) = CAST(? AS BINARY)`, binds: 2 };
  }
}

/** The values to bind for a lookup of `value`. */
export const bindsOf = (lookup: Lookup, value: string): string[] => (lookup.binds === 1 ? [value] : [value, value]);
