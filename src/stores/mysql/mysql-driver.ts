import { loadOptional } from '../../drivers/load-optional.js';

/**
 * The subset of `mysql2/promise` this store calls, so the core has no runtime dependency on the driver and a
 * pool you built yourself (promise or callback flavour) can be passed in.
 */
export type SqlValue = string | number | null;

export interface MySqlResultHeader {
  readonly affectedRows: number;
}

export type MySqlRow = Record<string, unknown>;

export interface MySqlQueryable {
  execute(sql: string, values?: SqlValue[]): Promise<[unknown, unknown]>;
  query(sql: string, values?: SqlValue[]): Promise<[unknown, unknown]>;
}

export interface MySqlPoolConnection extends MySqlQueryable {
  release(): void;
  destroy(): void;
}

export interface MySqlPool extends MySqlQueryable {
  getConnection(): Promise<MySqlPoolConnection>;
  end(): Promise<void>;
}

/** A callback-flavour pool (`mysql2.createPool`): it offers its promise wrapper through `promise()`. */
export interface MySqlCallbackPool {
  promise(): MySqlPool;
}

/** A pool this store creates: it also reports each new connection, so the store can watch its 'error' events. */
export interface OwnMySqlPool extends MySqlPool {
  on(event: 'connection', listener: (connection: { on(event: 'error', listener: () => void): unknown }) => void): unknown;
}

/** A single connection (what a one-off reader, such as the CLI's import of the official table, opens). */
export interface MySqlConnection extends MySqlQueryable {
  end(): Promise<void>;
}

interface Mysql2Promise {
  createPool(options: Record<string, unknown>): OwnMySqlPool;
  createConnection(options: Record<string, unknown>): Promise<MySqlConnection>;
}

/** Loads `mysql2/promise` on first use; a missing package gives DRIVER_MISSING naming it. */
export async function loadMysql2(): Promise<Mysql2Promise> {
  const module = await loadOptional<{ default?: Mysql2Promise } & Mysql2Promise>('mysql2/promise', 'MySQLStore');
  return module.default ?? module;
}

/** Accepts either flavour of mysql2 pool and returns the promise one. */
export function asPromisePool(pool: MySqlPool | MySqlCallbackPool): MySqlPool {
  // Only the callback pool has promise(); the promise pool's methods return promises themselves.
  const wrapper = pool as Partial<MySqlCallbackPool>;
  return typeof wrapper.promise === 'function' ? wrapper.promise() : (pool as MySqlPool);
}

/** Rows of a SELECT (mysql2 resolves `[rows, fields]`). */
export const rowsOf = (result: [unknown, unknown]): MySqlRow[] => result[0] as MySqlRow[];

/** The header of an INSERT/UPDATE/DELETE. */
export const headerOf = (result: [unknown, unknown]): MySqlResultHeader => result[0] as MySqlResultHeader;
