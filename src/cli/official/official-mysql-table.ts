import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import { loadOptional } from '../../drivers/load-optional.js';
import { validateIdentifier } from '../../stores/sql/identifier.js';
import { hostLookupFailure } from '../../stores/shared/unknown-host.js';
import { OFFICIAL_COLUMNS, officialRowToRecord, type OfficialColumn } from '../../token/official-columns.js';
import { OAuthToken } from '../../token/oauth-token.js';
import type { StoreLocation } from '../stores/store-location.js';

// The subset of mysql2/promise this reader calls.
interface MysqlConnection {
  query(sql: string): Promise<[unknown, unknown]>;
  end(): Promise<void>;
}
interface Mysql2 {
  createConnection(options: Record<string, unknown>): Promise<MysqlConnection>;
}

const UNAVAILABLE = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'PROTOCOL_CONNECTION_LOST']);
const DENIED = new Set(['ER_ACCESS_DENIED_ERROR', 'ER_DBACCESS_DENIED_ERROR', 'ER_TABLEACCESS_DENIED_ERROR']);

/**
 * Reads every token of the official MySQL table (`oauthtoken` in database `zohooauth` by default, as the official
 * DBStore creates it: ten varchar columns, 9 in older tables) from `mysql://user:pass@host:3306/db?table=name`.
 * Read-only: one SELECT, no table is created or changed.
 */
export async function readOfficialMysqlTable(location: StoreLocation): Promise<OAuthToken[]> {
  const url = location.url as URL;
  const database = validateIdentifier('MySQL database name', decodeURIComponent(url.pathname.replace(/^\//, '')) || 'zohooauth');
  const table = validateIdentifier('MySQL table name', location.params.get('table') ?? 'oauthtoken');
  const mysql = await loadOptional<Mysql2>('mysql2/promise', 'Importing the official MySQL table');
  let connection: MysqlConnection;
  try {
    connection = await mysql.createConnection({
      host: url.hostname,
      port: url.port ? Number(url.port) : 3306,
      user: decodeURIComponent(url.username) || 'root',
      password: decodeURIComponent(url.password),
      database,
      connectTimeout: 5_000,
      supportBigNumbers: true,
    });
  } catch (error) {
    throw failure(error, 'connect to MySQL');
  }
  try {
    const [rows] = await connection.query(`SELECT * FROM \`${table}\``);
    return (rows as Array<Record<string, unknown>>).map((row) => {
      const values: Partial<Record<OfficialColumn, string | null>> = {};
      for (const column of OFFICIAL_COLUMNS) {
        const value = row[column];
        values[column] = value === undefined || value === null ? null : String(value);
      }
      const { userName, ...record } = officialRowToRecord(values);
      return OAuthToken.from({ ...record, userSignature: userName });
    });
  } catch (error) {
    if ((error as { code?: string }).code === 'ER_NO_SUCH_TABLE') {
      throw new TokenStoreError(ErrorCode.STORE_CORRUPT, `The MySQL database ${database} has no table ${table}.`, { cause: error });
    }
    throw failure(error, `read the table ${table}`);
  } finally {
    await connection.end().catch(() => undefined);
  }
}

function failure(error: unknown, action: string): TokenStoreError {
  const code = (error as { code?: string }).code ?? '';
  const lookup = hostLookupFailure(error);
  if (lookup !== null) return new TokenStoreError(ErrorCode.STORE_UNAVAILABLE, `Could not ${action}: ${lookup}`, { cause: error });
  if (UNAVAILABLE.has(code)) return new TokenStoreError(ErrorCode.STORE_UNAVAILABLE, `Could not ${action}: the server cannot be reached (${code}).`, { cause: error });
  if (DENIED.has(code)) return new TokenStoreError(ErrorCode.STORE_ACCESS_DENIED, `Could not ${action}: access denied (${code}).`, { cause: error });
  if (code === 'ER_BAD_DB_ERROR') return new TokenStoreError(ErrorCode.STORE_CORRUPT, `Could not ${action}: the database does not exist.`, { cause: error });
  return new TokenStoreError(ErrorCode.TOKEN_STORE, `Could not ${action}${code ? ` (${code})` : ''}.`, { cause: error });
}
