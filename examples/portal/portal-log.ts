import { createHmac } from 'node:crypto';

export type LogValue = string | number | boolean | null;

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);
// Fields of the library's log entries that name a student.
const USER_FIELDS = new Set(['user', 'userName']);

/**
 * The portal's log: one JSON object per line, with `time` (ISO 8601, UTC) and `event`, for a log shipper to read.
 * Nothing a client sent goes in as it is: paths are the route that matched (never the raw path, never the query),
 * methods outside a fixed list are `OTHER`, and a student is a pseudonym, `u_` + an HMAC of their user name under
 * the log key, so the lines of one student can be followed without the log naming anyone. With the same key
 * (PORTAL_LOG_KEY) the pseudonyms stay the same across restarts; whoever holds the key can test a guessed name.
 */
export class PortalLog {
  readonly #write: (line: string) => void;
  readonly #key: Buffer;

  constructor(write: (line: string) => void, key: Buffer) {
    this.#write = write;
    this.#key = key;
  }

  event(event: string, fields: Readonly<Record<string, LogValue | undefined>> = {}): void {
    // time and event first, and never replaced by a field of the same name.
    const line: Record<string, LogValue | undefined> = { time: new Date().toISOString(), event };
    for (const [name, value] of Object.entries(fields)) if (!(name in line)) line[name] = value;
    this.#write(JSON.stringify(line));
  }

  /** A student's pseudonym in the log. */
  user(userName: string | null): string | null {
    return userName === null ? null : `u_${createHmac('sha256', this.#key).update(userName).digest('base64url').slice(0, 16)}`;
  }

  /** A request method as logged. */
  method(method: string | undefined): string {
    return method !== undefined && KNOWN_METHODS.has(method) ? method : 'OTHER';
  }

  /** A library log entry (token ids, codes, durations; never a secret), with user names made pseudonyms. */
  library(level: string, message: string, fields: Readonly<Record<string, LogValue | undefined>>): void {
    const safe: Record<string, LogValue | undefined> = {};
    for (const [name, value] of Object.entries(fields))
      safe[name] = USER_FIELDS.has(name) && typeof value === 'string' ? this.user(value) : value;
    this.event('library', { level, message, ...safe });
  }
}
