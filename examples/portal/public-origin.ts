/**
 * The origin of the portal's public URL (`https://portal.school.example`), checked: http or https, no path,
 * query, fragment or credentials. Students, Zoho's redirect and the browser's Origin header all use it.
 */
export function publicOriginOf(publicUrl: string): string {
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    throw new Error(`The portal's public URL "${publicUrl}" is not a URL; give its origin, e.g. https://portal.school.example.`);
  }
  if (
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.pathname !== '/' ||
    url.search ||
    url.hash ||
    url.username ||
    url.password
  ) {
    throw new Error(
      "The portal's public URL must be an http or https origin with no path, e.g. https://portal.school.example (the portal is served at the root).",
    );
  }
  return url.origin;
}
