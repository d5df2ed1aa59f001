import { loadOptional } from '../../drivers/load-optional.js';

/** The driver this store is written for: an optional peer dependency, loaded on first `SQLiteStore.open()`. */
export const SQLITE_DRIVER = 'better-sqlite3';

/** The part of a better-sqlite3 prepared statement this store calls. */
export interface SQLiteStatement {
  run(...params: unknown[]): { readonly changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  /** Rows as arrays in select-list order instead of objects (faster to build). */
  raw(toggle?: boolean): SQLiteStatement;
  /** `get` returns the first column's value instead of the row. */
  pluck(toggle?: boolean): SQLiteStatement;
}

/**
 * The part of a better-sqlite3 `Database` this store calls. Described here rather than imported, so the package
 * has no type or runtime dependency on the driver; any better-sqlite3 instance fits.
 */
export interface SQLiteDatabase {
  prepare(sql: string): SQLiteStatement;
  exec(sql: string): unknown;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  close(): unknown;
  readonly inTransaction: boolean;
  readonly open: boolean;
  readonly memory: boolean;
  readonly name: string;
}

interface DriverModule {
  default: new (filename: string, options?: { timeout?: number }) => SQLiteDatabase;
}

/** Loads the driver (DRIVER_MISSING naming the package when it is not installed); done before any file is touched. */
export function loadSQLiteDriver(): Promise<DriverModule> {
  return loadOptional<DriverModule>(SQLITE_DRIVER, 'SQLiteStore');
}

/** Opens a database file (created when missing) or `:memory:` with the driver, loading it on first use. */
export async function openDatabase(path: string, busyTimeoutMs: number): Promise<SQLiteDatabase> {
  const driver = await loadSQLiteDriver();
  return new driver.default(path, { timeout: busyTimeoutMs });
}

/** True when a value has the methods this store calls: a better-sqlite3 `Database` or a close copy. */
export function isSQLiteDatabase(value: unknown): value is SQLiteDatabase {
  const candidate = value as Partial<SQLiteDatabase> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.prepare === 'function' &&
    typeof candidate.exec === 'function' &&
    typeof candidate.pragma === 'function' &&
    typeof candidate.close === 'function'
  );
}
