import type { ServerResponse } from 'node:http';
import type { Page } from './layout.js';

/** What a route answers: a page, or a redirect; either may set cookies. */
export type Reply =
  | { readonly page: Page; readonly cookies?: readonly string[] }
  | { readonly redirect: string; readonly cookies?: readonly string[] };

// No script at all, forms only to this origin, no framing. A Referer only to this origin, so a callback URL never
// travels further (`same-origin`, not `no-referrer`: under no-referrer the browser sends `Origin: null` with the
// portal's own forms, and the Origin check could not tell them from forged ones).
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'referrer-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

/** Writes a reply; returns its status. `https`: the public URL is https, so browsers are told to stay on it. */
export function send(response: ServerResponse, reply: Reply, https: boolean): number {
  const headers: Record<string, string | string[]> = { ...SECURITY_HEADERS };
  if (https) headers['strict-transport-security'] = 'max-age=31536000';
  if (reply.cookies?.length) headers['set-cookie'] = [...reply.cookies];
  if ('redirect' in reply) {
    response.writeHead(303, { ...headers, location: reply.redirect, 'content-length': '0' }).end();
    return 303;
  }
  const { status, html, headers: extra } = reply.page;
  response
    .writeHead(status, {
      ...headers,
      ...extra,
      'content-type': 'text/html; charset=utf-8',
      'content-length': String(Buffer.byteLength(html)),
    })
    .end(html);
  return status;
}
