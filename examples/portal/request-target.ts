// RFC 3986 path and query characters, and %XX escapes: anything else in a request target is a malformed request.
const TARGET = /^\/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*$/;
const MAX_TARGET_LENGTH = 2_048;

/**
 * The URL of a request's target (`/records?page=2`), resolved against the portal's public origin, or null when the
 * target is not an origin-form path (`//[`, `*`, `http://…`, a raw space or bracket, a bad %-escape, too long).
 * Never throws: a malformed target is a 400, not an exception (`new URL('//[', base)` throws).
 */
export function parseRequestTarget(target: string | undefined, publicOrigin: string): URL | null {
  if (target === undefined || target.length > MAX_TARGET_LENGTH || !TARGET.test(target) || target.startsWith('//')) return null;
  try {
    const url = new URL(target, publicOrigin);
    return url.origin === publicOrigin ? url : null;
  } catch {
    return null;
  }
}
