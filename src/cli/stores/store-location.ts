import { extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { usageError } from '../cli-error.js';

/** The engines a store location can name, each with an adapter file in this folder. */
export const STORE_SCHEMES = ['file', 'sqlite', 'mysql', 'postgres', 'redis'] as const;
export type StoreScheme = (typeof STORE_SCHEMES)[number];

/** A parsed store location. `display` is safe to print: any password is masked. */
export interface StoreLocation {
  readonly scheme: StoreScheme;
  /** file and sqlite: the file path as given (relative to the working directory), or `:memory:`. */
  readonly path: string | null;
  /** Server stores: the connection URL, password included (never print it; print `display`). */
  readonly url: URL | null;
  /** Options from the query string (`?table=…`, `?prefix=…`), without connection parameters. */
  readonly params: URLSearchParams;
  readonly display: string;
}

const SCHEME_ALIASES: Record<string, StoreScheme> = {
  file: 'file',
  sqlite: 'sqlite',
  sqlite3: 'sqlite',
  mysql: 'mysql',
  mariadb: 'mysql',
  postgres: 'postgres',
  postgresql: 'postgres',
  redis: 'redis',
  rediss: 'redis',
};

const SQLITE_EXTENSIONS = new Set(['.db', '.sqlite', '.sqlite3', '.db3']);
const SECRET_PARAMS = /pass|secret|key|token/i;
const HELP = 'use file:PATH, sqlite:PATH, mysql://…, postgres://… or redis://… (see zoho-tokens --help)';

/** Masks a URL's password and any query parameter that looks secret. */
export function redactUrl(url: URL): string {
  const copy = new URL(url.href);
  if (copy.password) copy.password = '****';
  for (const name of [...copy.searchParams.keys()]) if (SECRET_PARAMS.test(name)) copy.searchParams.set(name, '****');
  return copy.href.replace(/%2A%2A%2A%2A/g, '****');
}

function splitQuery(rest: string): { path: string; params: URLSearchParams } {
  const at = rest.indexOf('?');
  if (at === -1) return { path: rest, params: new URLSearchParams() };
  return { path: rest.slice(0, at), params: new URLSearchParams(rest.slice(at + 1)) };
}

function fileLocation(scheme: 'file' | 'sqlite', rest: string, original: string): StoreLocation {
  let { path, params } = splitQuery(rest);
  if (path.startsWith('//')) {
    // The URL form: file:///abs/path, sqlite:///abs/path.db
    try {
      path = fileURLToPath(new URL(`file:${path}`));
    } catch {
      throw usageError(`The store location "${original}" is not a valid ${scheme} URL.`, 'write it as file:./path or file:///absolute/path');
    }
  }
  if (path === '') throw usageError(`The store location "${original}" names no file.`, HELP);
  const display = `${scheme}:${path}${params.size > 0 ? `?${params}` : ''}`;
  return Object.freeze({ scheme, path, url: null, params, display });
}

/**
 * Parses a store location: `file:PATH`, `sqlite:PATH`, `sqlite::memory:`, `mysql://user:pass@host:3306/db?table=t`,
 * `postgres://…?schema=s&table=t`, `redis://host:6379/0?prefix=p`; a bare path is a SQLite database when it ends in
 * .db, .sqlite, .sqlite3 or .db3, otherwise an official token file.
 */
export function parseStoreLocation(input: string): StoreLocation {
  const text = input.trim();
  if (text === '') throw usageError('The store location is empty.', HELP);
  // Two letters at least, so that a Windows drive (C:\tokens.txt) reads as a path.
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]+):/.exec(text);
  if (!match) {
    const scheme = SQLITE_EXTENSIONS.has(extname(text).toLowerCase()) ? 'sqlite' : 'file';
    return fileLocation(scheme, text, input);
  }
  const name = (match[1] as string).toLowerCase();
  const scheme = SCHEME_ALIASES[name];
  if (scheme === undefined) throw usageError(`The store location has an unknown scheme "${name}:".`, HELP);
  const rest = text.slice(match[0].length);
  if (scheme === 'file' || scheme === 'sqlite') return fileLocation(scheme, rest, input);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usageError(`The ${scheme} store location is not a valid URL.`, `write it as ${scheme}://user:password@host:port/…`);
  }
  if (url.hostname === '') throw usageError(`The ${scheme} store location names no host.`, `write it as ${scheme}://host:port/…`);
  return Object.freeze({ scheme, path: null, url, params: new URLSearchParams(url.searchParams), display: redactUrl(url) });
}

/** Whether two locations name the same store (file paths compared once resolved; `:memory:` is never shared). */
export function sameStore(a: StoreLocation, b: StoreLocation): boolean {
  if (a.scheme !== b.scheme) return false;
  if (a.path !== null && b.path !== null) return a.path !== ':memory:' && resolve(a.path) === resolve(b.path);
  return a.display === b.display;
}
