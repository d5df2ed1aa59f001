import type { BackendTokenStore } from './backend-token-store.js';

/** A parsed store location. `display` is safe to print: any password is masked. */
export interface StoreLocation {
  readonly scheme: string;
  /** file and sqlite: the file path as given (relative to the working directory), or `:memory:`. */
  readonly path: string | null;
  /** Server stores: the connection URL, password included (never print it; print `display`). */
  readonly url: URL | null;
  /**
   * Server stores whose location lists several servers (`redis+cluster://h1:7000,h2:7000`): each `host:port`, in
   * order; `url` then holds the first. Absent for a location of one host.
   */
  readonly hosts?: readonly string[];
  /** Options from the query string (`?table=…`, `?prefix=…`). */
  readonly params: URLSearchParams;
  readonly display: string;
}

/** How a location names a store of an engine: in this process, a file path, or a server URL. */
export type LocationKind = 'process' | 'file' | 'server';

/**
 * Everything the library knows of one store engine, in one place: how locations name it, what it needs installed,
 * what its refresh lock covers, and how to open it (its module is imported only then). `openStore`, the location
 * parser, the CLI's help and the README's store tables are all built from the list of these (src/stores/engines.ts).
 */
export interface StoreEngine {
  /** The location scheme (`postgres` in `postgres://…`); also the engine's folder under src/stores. */
  readonly scheme: string;
  /** Other schemes that name it (`postgresql`). */
  readonly aliases: readonly string[];
  /** Its store class (`PostgresStore`). */
  readonly storeName: string;
  /** Where users import the store from (`zoho-token-store/postgres`). */
  readonly importPath: string;
  /** The npm packages it needs besides this one (optional peer dependencies). */
  readonly packages: readonly string[];
  /** What holds the tokens, in a few words (for the README and the CLI's help). */
  readonly summary: string;
  /** Whom its refresh lock covers, in a few words. */
  readonly lockCovers: string;
  readonly location: {
    readonly kind: LocationKind;
    /** A complete example (`postgres://user:pass@host:5432/db?schema=zoho&table=oauthtoken`). */
    readonly example: string;
    /** What else a location may be written as, for the docs (`or a path ending in .db`). */
    readonly alternatives?: string;
    /** Whether a location may list several `host:port`, comma-separated (cluster nodes, Sentinels). */
    readonly manyHosts?: boolean;
    /** The query options a location may carry (`?table=`): any other is INVALID_CONFIG. */
    readonly query: readonly string[];
    /** The same store opened with its own `open`, for the docs (`PostgresStore.open({ url, schema, table })`). */
    readonly openCall: string;
  };
  /** The store options a parsed location gives (`path`, `url`, `table`…), checked against `location.query`. */
  optionsOf(location: StoreLocation): Record<string, unknown>;
  /** Opens the store with its own `open` (validated, connected, tables ready). */
  open(options: Record<string, unknown>): Promise<BackendTokenStore>;
}
