import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';
import type { StoreLocation } from '../../kernel/store-engine.js';
import { engineOfScheme, STORE_ENGINES } from '../engines.js';

/** The schemes of every store a location string can name (aliases aside). */
export const STORE_SCHEMES: readonly string[] = Object.freeze(STORE_ENGINES.map((engine) => engine.scheme));
/** A store's scheme, one of `STORE_SCHEMES` (`postgres`, `sqlite`…). */
export type StoreScheme = string;

export type { StoreLocation } from '../../kernel/store-engine.js';

const SQLITE_EXTENSIONS = new Set(['.db', '.sqlite', '.sqlite3', '.db3']);
const SECRET_PARAMS = /pass|secret|key|token/i;
const HELP = `use ${locationForms()} (see docs/open-store.md)`;

/** `memory:, list:, file:PATH, …, postgres://… or redis://…`, from the engines. */
export function locationForms(): string {
  const forms = STORE_ENGINES.map(({ scheme, location }) =>
    location.kind === 'process' ? `${scheme}:` : location.kind === 'file' ? `${scheme}:PATH` : `${scheme}://…`,
  );
  return `${forms.slice(0, -1).join(', ')} or ${forms.at(-1)}`;
}

// Messages never repeat the location: a server URL holds a password.
const invalid = (message: string): TokenStoreError => new TokenStoreError(ErrorCode.INVALID_CONFIG, message);

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

function fileLocation(scheme: StoreScheme, rest: string): StoreLocation {
  let { path, params } = splitQuery(rest);
  if (path.startsWith('//')) {
    // The URL form: file:///abs/path, sqlite:///abs/path.db
    try {
      path = fileURLToPath(new URL(`file:${path}`));
    } catch {
      throw invalid(`The ${scheme} store location is not a valid file URL; write it as ${scheme}:./path or ${scheme}:///absolute/path.`);
    }
  }
  if (path === '') throw invalid(`The ${scheme} store location names no file; ${HELP}.`);
  const display = `${scheme}:${path}${params.size > 0 ? `?${params}` : ''}`;
  return Object.freeze({ scheme, path, url: null, params, display });
}

function processLocation(scheme: StoreScheme, rest: string): StoreLocation {
  if (rest !== '') throw invalid(`The ${scheme}: store location takes nothing after "${scheme}:".`);
  return Object.freeze({ scheme, path: null, url: null, params: new URLSearchParams(), display: `${scheme}:` });
}

// scheme://[userinfo@]hosts[/path][?query]: the authority ends at the first / ? or #.
const AUTHORITY = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)(?:([^@/?#]*)@)?([^/?#]*)(.*)$/s;

/**
 * A location listing several servers (`h1:7000,h2:7000`) is read as the URL of the first, with every `host:port`
 * kept in `hosts`; each must be a valid host and port.
 */
function splitHosts(scheme: StoreScheme, text: string, manyHosts: boolean): { text: string; hosts?: string[] } {
  const match = AUTHORITY.exec(text);
  if (!match || !(match[3] as string).includes(',')) return { text };
  if (!manyHosts) throw invalid(`The ${scheme} store location names one host; write it as ${scheme}://host:port/….`);
  const [, start, userinfo, list, rest] = match as unknown as [string, string, string | undefined, string, string];
  const hosts = list.split(',');
  for (const host of hosts) {
    if (!/^[^\s:]+:\d{1,5}$/.test(host) || !URL.canParse(`x://${host}`)) {
      throw invalid(`The ${scheme} store location lists its servers as host:port,host:port (each with its port).`);
    }
  }
  return { text: `${start}${userinfo === undefined ? '' : `${userinfo}@`}${hosts[0]}${rest}`, hosts };
}

function serverLocation(scheme: StoreScheme, text: string, manyHosts: boolean): StoreLocation {
  const split = splitHosts(scheme, text, manyHosts);
  let url: URL;
  try {
    url = new URL(split.text);
  } catch {
    throw invalid(`The ${scheme} store location is not a valid URL; write it as ${scheme}://user:password@host:port/….`);
  }
  if (url.hostname === '') throw invalid(`The ${scheme} store location names no host; write it as ${scheme}://host:port/….`);
  const params = new URLSearchParams(url.searchParams);
  if (split.hosts === undefined) return Object.freeze({ scheme, path: null, url, params, display: redactUrl(url) });
  const display = redactUrl(url)
    .replace(`@${url.host}`, `@${split.hosts.join(',')}`)
    .replace(`//${url.host}`, `//${split.hosts.join(',')}`);
  return Object.freeze({ scheme, path: null, url, hosts: Object.freeze(split.hosts), params, display });
}

/**
 * Parses a store location: `memory:`, `list:`, `file:PATH`, `sqlite:PATH`, `sqlite::memory:`,
 * `mysql://user:pass@host:3306/db?table=t`, `postgres://…?schema=s&table=t`, `redis://host:6379/0?prefix=p`; a bare
 * path is a SQLite database when it ends in .db, .sqlite, .sqlite3 or .db3, otherwise an official token file.
 * Anything else is refused with INVALID_CONFIG, in a message that never repeats the location.
 */
export function parseStoreLocation(input: string): StoreLocation {
  if (typeof input !== 'string') throw invalid(`A store location must be a string; ${HELP}.`);
  const text = input.trim();
  if (text === '') throw invalid(`The store location is empty; ${HELP}.`);
  // Two letters at least, so that a Windows drive (C:\tokens.txt) reads as a path.
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]+):/.exec(text);
  if (!match) return fileLocation(SQLITE_EXTENSIONS.has(extname(text).toLowerCase()) ? 'sqlite' : 'file', text);
  const name = (match[1] as string).toLowerCase();
  const engine = engineOfScheme(name);
  if (engine === undefined) throw invalid(`The store location has an unknown scheme "${name.slice(0, 20)}:"; ${HELP}.`);
  const rest = text.slice(match[0].length);
  if (engine.location.kind === 'process') return processLocation(engine.scheme, rest);
  if (engine.location.kind === 'file') return fileLocation(engine.scheme, rest);
  return serverLocation(engine.scheme, text, engine.location.manyHosts === true);
}
