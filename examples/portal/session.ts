import { createHmac, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'portal_session';
export const SIGN_IN_COOKIE = 'portal_sign_in';
const SESSION_MAX_AGE_S = 8 * 3600;

/**
 * The session cookie: `base64url(user name).issued-at.HMAC-SHA256`. It holds the student's user name and nothing
 * else; the tokens stay in the store. A changed byte, or a cookie older than 8 hours, reads as no session.
 */
export class Sessions {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length < 32) throw new Error('The session key must be at least 32 bytes.');
    this.#key = key;
  }

  /** The Set-Cookie value that signs the student in. */
  signIn(userName: string, now = Date.now()): string {
    const payload = `${Buffer.from(userName).toString('base64url')}.${Math.floor(now / 1000)}`;
    return cookie(SESSION_COOKIE, `${payload}.${this.#sign(payload)}`, SESSION_MAX_AGE_S);
  }

  /** The user name of a valid session cookie in a Cookie header, else null. */
  userOf(cookieHeader: string | undefined, now = Date.now()): string | null {
    const value = readCookie(cookieHeader, SESSION_COOKIE);
    const [name, issued, mac] = value?.split('.') ?? [];
    if (name === undefined || issued === undefined || mac === undefined) return null;
    const expected = Buffer.from(this.#sign(`${name}.${issued}`));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const age = now / 1000 - Number(issued);
    return age >= 0 && age < SESSION_MAX_AGE_S ? Buffer.from(name, 'base64url').toString('utf8') : null;
  }

  #sign(payload: string): string {
    return createHmac('sha256', this.#key).update(payload).digest('base64url');
  }
}

/** A Set-Cookie value: HttpOnly, SameSite=Lax (sent on Zoho's redirect back, not on cross-site posts), path /. */
export function cookie(name: string, value: string, maxAgeSeconds: number): string {
  return `${name}=${value}; Max-Age=${maxAgeSeconds}; Path=/; HttpOnly; SameSite=Lax`;
}

export const clearCookie = (name: string): string => cookie(name, '', 0);

export function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return null;
}
