import { loadOptional } from '../../drivers/load-optional.js';

/**
 * The part of `pg` this store calls, described here so the package has no runtime (or type) dependency on it:
 * any `pg.Pool` fits, and so does a compatible pool (e.g. one with instrumentation around it).
 */
export interface PostgresQueryResult {
  readonly rows: ReadonlyArray<Record<string, unknown>>;
  readonly rowCount: number | null;
}

export interface PostgresQueryable {
  query(text: string, values?: readonly unknown[]): Promise<PostgresQueryResult>;
}

export interface PostgresPoolClient extends PostgresQueryable {
  /** Returns the client to its pool; with an error, the pool destroys it instead (its session ends). */
  release(error?: Error | boolean): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: 'error', listener: (error: Error) => void): unknown;
}

export interface PostgresPool extends PostgresQueryable {
  connect(): Promise<PostgresPoolClient>;
  end(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: 'error', listener: (error: Error) => void): unknown;
}

/** Connection options passed to `new pg.Pool()`: the common ones typed, any other `pg` option passed through. */
export interface PostgresConnectionConfig {
  readonly connectionString?: string;
  readonly host?: string;
  readonly port?: number;
  readonly user?: string;
  readonly password?: string | (() => string | Promise<string>);
  readonly database?: string;
  readonly ssl?: unknown;
  /** Most connections the store's pool opens (default 10). */
  readonly max?: number;
  /** How long to wait for a connection before failing with STORE_UNAVAILABLE (default here 5,000 ms; pg's is forever). */
  readonly connectionTimeoutMillis?: number;
  readonly idleTimeoutMillis?: number;
  readonly application_name?: string;
  readonly [option: string]: unknown;
}

interface PgModule {
  Pool: new (config: Record<string, unknown>) => PostgresPool;
}

/** Loads `pg` on first use; a missing package gives DRIVER_MISSING naming it. */
export async function createPgPool(config: Readonly<Record<string, unknown>>): Promise<PostgresPool> {
  const pg = await loadOptional<PgModule & { default?: PgModule }>('pg', 'PostgresStore');
  const Pool = pg.Pool ?? pg.default?.Pool;
  return new Pool({ ...config });
}
