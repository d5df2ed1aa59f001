import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import { loadMysql2, rowsOf, type MySqlConnection } from '../../stores/mysql/mysql-driver.js';
import { toStoreError } from '../../stores/mysql/mysql-errors.js';
import { validateIdentifier } from '../../stores/sql/identifier.js';
import { OFFICIAL_COLUMNS, officialRowToRecord, type OfficialColumn } from '../../token/official-columns.js';
import { OAuthToken } from '../../token/oauth-token.js';
import type { StoreLocation } from '../../stores/location/store-location.js';

/**
 * Reads every token of the official MySQL table (`oauthtoken` in database `zohooauth` by default, as the official
 * DBStore creates it: ten varchar columns, 9 in older tables) from `mysql://user:pass@host:3306/db?table=name`.
 * Read-only: one SELECT, no table is created or changed. Driver errors are typed as MySQLStore types them.
 */
export async function readOfficialMysqlTable(location: StoreLocation): Promise<OAuthToken[]> {
  const url = location.url as URL;
  const database = validateIdentifier('MySQL database name', decodeURIComponent(url.pathname.replace(/^\//, '')) || 'zohooauth');
  const table = validateIdentifier('MySQL table name', location.params.get('table') ?? 'oauthtoken');
  const where = `${database}.${table}`;
  const mysql = await loadMysql2();
  let connection: MySqlConnection;
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
    throw toStoreError(error, 'connect to read the official table', where);
  }
  try {
    const rows = rowsOf(await connection.query(`SELECT * FROM \`${table}\``));
    return rows.map((row) => {
      const values: Partial<Record<OfficialColumn, string | null>> = {};
      for (const column of OFFICIAL_COLUMNS) {
        const value = row[column];
        values[column] = value === undefined || value === null ? null : String(value);
      }
      const { userName, ...record } = officialRowToRecord(values);
      return OAuthToken.from({ ...record, userSignature: userName });
    });
  } catch (error) {
    // A table that is not there is not a setting of this command's to fix: the source holds no official table.
    if ((error as { code?: string }).code === 'ER_NO_SUCH_TABLE') {
      throw new TokenStoreError(ErrorCode.STORE_CORRUPT, `The MySQL database ${database} has no table ${table}.`, { cause: error });
    }
    throw toStoreError(error, `read the table ${table}`, where);
  } finally {
    await connection.end().catch(() => undefined);
  }
}
