import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A signed-in browser. The cookie holds only a random id; everything else stays here, on the server. */
export interface Session {
  /** Public and unguessable: names the session on the sessions page ("end this session") without its cookie. */
  readonly handle: string;
  /** The student's Zoho email: the stored token's user name. */
  readonly user: string;
  /** Sent back in every form of this session; a POST without it is refused (CSRF). */
  readonly csrfToken: string;
  /** "Chrome on Android": derived from User-Agent, from a fixed list of words, never the raw header. */
  readonly device: string;
  readonly createdAt: number;
  lastSeenAt: number;
}

export interface SessionLimits {
  /** Sessions kept at most; one more ends the least recently used (default 10,000: about 5 MB). */
  readonly maxSessions: number;
  /** Sessions per student; one more ends that student's least recently used (default 10). */
  readonly maxPerUser: number;
  /** A session ends this long after it started, used or not (default 8 hours: a school day). */
  readonly maxAgeMs: number;
  /** A session ends when unused this long (default 2 hours). */
  readonly idleMs: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = Object.freeze({
  maxSessions: 10_000,
  maxPerUser: 10,
  maxAgeMs: 8 * 3_600_000,
  idleMs: 2 * 3_600_000,
});

const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/** The key a session is kept under: the id's SHA-256, so the registry never holds a usable cookie value. */
const keyOf = (id: string): string => createHash('sha256').update(id).digest('base64url');

/**
 * Server-side sessions, in memory, bounded. Ending one (sign-out, "end this session", a revoked grant) makes its
 * cookie worthless at once: a copied or stale cookie finds nothing, whoever signs in later. Kept in a Map in order of
 * last use, so the least recently used is the first one and eviction is O(1).
 */
export class SessionRegistry {
  readonly #byKey = new Map<string, Session>();
  readonly #keysByUser = new Map<string, Set<string>>();
  readonly #limits: SessionLimits;

  constructor(limits: Partial<SessionLimits> = {}) {
    this.#limits = { ...DEFAULT_SESSION_LIMITS, ...limits };
  }

  get size(): number {
    return this.#byKey.size;
  }

  /** Signs a student in: a new session, and the id its cookie holds (43 characters of base64url). */
  create(user: string, device: string, now: number): { id: string; session: Session } {
    const own = this.#keysByUser.get(user);
    if (own && own.size >= this.#limits.maxPerUser) this.#endKey(this.#leastRecent(own));
    while (this.#byKey.size >= this.#limits.maxSessions) this.#endKey(this.#byKey.keys().next().value as string);
    const id = randomBytes(32).toString('base64url');
    const session: Session = {
      handle: randomBytes(12).toString('base64url'),
      user,
      csrfToken: randomBytes(24).toString('base64url'),
      device,
      createdAt: now,
      lastSeenAt: now,
    };
    const key = keyOf(id);
    this.#byKey.set(key, session);
    if (own) own.add(key);
    else this.#keysByUser.set(user, new Set([key]));
    return { id, session };
  }

  /** The live session of a cookie value (and marks it used), or null: unknown, ended, expired or malformed. */
  find(id: string | null, now: number): Session | null {
    if (id === null || !SESSION_ID.test(id)) return null;
    const key = keyOf(id);
    const session = this.#byKey.get(key);
    if (!session) return null;
    if (now - session.createdAt >= this.#limits.maxAgeMs || now - session.lastSeenAt >= this.#limits.idleMs) {
      this.#endKey(key);
      return null;
    }
    session.lastSeenAt = Math.max(session.lastSeenAt, now);
    this.#byKey.delete(key); // to the end: the Map stays in order of last use
    this.#byKey.set(key, session);
    return session;
  }

  /** The student's live sessions, most recently used first. */
  ofUser(user: string, now: number): Session[] {
    const sessions: Session[] = [];
    for (const key of [...(this.#keysByUser.get(user) ?? [])]) {
      const session = this.#byKey.get(key) as Session;
      if (now - session.createdAt >= this.#limits.maxAgeMs || now - session.lastSeenAt >= this.#limits.idleMs) this.#endKey(key);
      else sessions.push(session);
    }
    return sessions.sort((a, b) => b.lastSeenAt - a.lastSeenAt);
  }

  /** Ends the session of a cookie value. */
  end(id: string): void {
    if (SESSION_ID.test(id)) this.#endKey(keyOf(id));
  }

  /** Ends one of the student's own sessions by its handle; false when they have no such session. */
  endByHandle(user: string, handle: string): boolean {
    for (const key of this.#keysByUser.get(user) ?? []) {
      if ((this.#byKey.get(key) as Session).handle === handle) {
        this.#endKey(key);
        return true;
      }
    }
    return false;
  }

  /** Ends every session of the student (sign-out, or their access revoked); returns how many there were. */
  endAllOf(user: string): number {
    const keys = [...(this.#keysByUser.get(user) ?? [])];
    for (const key of keys) this.#endKey(key);
    return keys.length;
  }

  #leastRecent(keys: Set<string>): string {
    let oldest: [string, number] | null = null;
    for (const key of keys) {
      const seen = (this.#byKey.get(key) as Session).lastSeenAt;
      if (oldest === null || seen < oldest[1]) oldest = [key, seen];
    }
    return (oldest as [string, number])[0];
  }

  #endKey(key: string): void {
    const session = this.#byKey.get(key);
    if (!session) return;
    this.#byKey.delete(key);
    const own = this.#keysByUser.get(session.user);
    own?.delete(key);
    if (own?.size === 0) this.#keysByUser.delete(session.user);
  }
}

/** Whether a form's CSRF field is this session's token (constant-time). */
export function csrfMatches(session: Session, given: string | null): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(session.csrfToken);
  return a.length === b.length && timingSafeEqual(a, b);
}
