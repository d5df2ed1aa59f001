/**
 * The portal's two cookies and their attributes. Served over https (the public URL's scheme), both get the
 * `__Host-` prefix and `Secure`: the browser then takes them only from this exact origin, over TLS, with Path=/ and
 * no Domain, so a sibling site (another app on a school subdomain) cannot toss its own cookie in. Over http (the
 * demo on 127.0.0.1) neither is possible, and the names are plain. Always HttpOnly and SameSite=Lax: Lax sends the
 * cookie on Zoho's redirect back (a top-level GET) and never on another site's POST.
 */
export class PortalCookies {
  /** The session id: 8 hours at most (the session's own limit). */
  readonly session: string;
  /** Binds a sign-in to the browser that started it (10 minutes, as long as a sign-in may take). */
  readonly signIn: string;
  readonly #secure: boolean;

  constructor(publicOrigin: string) {
    this.#secure = new URL(publicOrigin).protocol === 'https:';
    const prefix = this.#secure ? '__Host-' : '';
    this.session = `${prefix}portal_session`;
    this.signIn = `${prefix}portal_sign_in`;
  }

  /** A Set-Cookie value. */
  set(name: string, value: string, maxAgeSeconds: number): string {
    return `${name}=${value}; Max-Age=${maxAgeSeconds}; Path=/; HttpOnly; SameSite=Lax${this.#secure ? '; Secure' : ''}`;
  }

  clear(name: string): string {
    return this.set(name, '', 0);
  }
}

/**
 * The value of a cookie in a Cookie header, or null when it is absent, or present more than once: two cookies of
 * one name mean another site set one (cookie tossing), and neither can be trusted to be ours.
 */
export function readCookie(header: string | undefined, name: string): string | null {
  let found: string | null = null;
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at <= 0 || part.slice(0, at).trim() !== name) continue;
    if (found !== null) return null;
    found = part.slice(at + 1).trim();
  }
  return found;
}
