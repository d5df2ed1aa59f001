// Shared fixtures of the PostgreSQL store tests: the server, unique names, cleanup.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { SERVICES } from '../_services.js';

export const PG_CONNECTION = {
  host: SERVICES.postgres.host,
  port: SERVICES.postgres.port,
  user: 'postgres',
  database: 'test',
} as const;

/** A unique lower-case identifier, e.g. `zts_conf_3f9a1c2b7d`, for a schema or table a test creates and drops. */
export const uniqueName = (label: string): string => `zts_${label}_${randomBytes(5).toString('hex')}`;

/** A small pool on the shared server, for test setup and checks made beside the store. */
export const adminPool = (): pg.Pool => new pg.Pool({ ...PG_CONNECTION, max: 2 });

export async function dropSchema(pool: pg.Pool, schema: string): Promise<void> {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

export async function countRows(pool: pg.Pool, schema: string, table: string): Promise<number> {
  const result = await pool.query(`SELECT count(*)::int AS n FROM "${schema}"."${table}"`);
  return result.rows[0].n as number;
}
