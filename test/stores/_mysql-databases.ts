// Throwaway databases on the shared MariaDB: each test makes its own, named zts_<random>, and drops it.
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { SERVICES } from '../_services.js';

export const MARIADB = { host: SERVICES.mariadb.host, port: SERVICES.mariadb.port, user: 'root', password: '' } as const;

/** A unique database name (not created). */
export const uniqueDatabaseName = (label = 'db'): string => `zts_${label}_${randomBytes(5).toString('hex')}`;

/** Runs one statement on a short-lived admin connection. */
export async function admin<T = unknown>(sql: string, values: unknown[] = []): Promise<T> {
  const connection = await mysql.createConnection({ ...MARIADB });
  try {
    const [result] = await connection.query(sql, values);
    return result as T;
  } finally {
    await connection.end();
  }
}

export async function createDatabase(name: string): Promise<void> {
  await admin(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
}

export async function dropDatabase(name: string): Promise<void> {
  await admin(`DROP DATABASE IF EXISTS \`${name}\``);
}

/** The official SDK's CREATE TABLE, as its documentation gives it (no charset, no index but the primary key). */
export const OFFICIAL_CREATE_TABLE = (database: string, table = 'oauthtoken') => `CREATE TABLE \`${database}\`.\`${table}\` (
  id varchar(10) NOT NULL, user_name varchar(255), client_id varchar(255), client_secret varchar(255),
  refresh_token varchar(255), access_token varchar(255), grant_token varchar(255), expiry_time varchar(20),
  redirect_url varchar(255), api_domain varchar(255), primary key (id))`;

/** The fields of a token in the official table's column order, as plain values (ids given by the caller). */
interface OfficialRowSource {
  readonly userName: string | null;
  readonly clientId: string | null;
  readonly clientSecret: string | null;
  readonly refreshToken: string | null;
  readonly accessToken: string | null;
  readonly grantToken: string | null;
  readonly expiresAt: number | null;
  readonly redirectUrl: string | null;
  readonly apiDomain: string | null;
}

/**
 * Creates the official table in `database` (OFFICIAL_CREATE_TABLE) and fills it in bulk, 1,000 rows a statement,
 * with `tokens` as ids 1, 2, …: how the benches stand up a large official store fast.
 */
export async function fillOfficialTable(
  pool: { query(sql: string, values?: unknown): Promise<unknown> },
  database: string,
  tokens: readonly OfficialRowSource[],
): Promise<void> {
  await pool.query(OFFICIAL_CREATE_TABLE(database));
  for (let i = 0; i < tokens.length; i += 1_000) {
    const values = tokens
      .slice(i, i + 1_000)
      .map((token, k) => [
        String(i + k + 1),
        token.userName,
        token.clientId,
        token.clientSecret,
        token.refreshToken,
        token.accessToken,
        token.grantToken,
        String(token.expiresAt),
        token.redirectUrl,
        token.apiDomain,
      ]);
    await pool.query(`INSERT INTO \`${database}\`.oauthtoken VALUES ?`, [values]);
  }
}
