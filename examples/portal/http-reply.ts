import type { ServerResponse } from 'node:http';
import type { Page } from './pages.js';

/** What a route answers: a page, or a redirect; either may set cookies. */
export type Reply = { readonly page: Page; readonly cookies?: readonly string[] } | { readonly redirect: string; readonly cookies?: readonly string[] };

// No script at all, forms only to this origin, no framing; no Referer, so a callback URL never travels further.
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

export function send(response: ServerResponse, reply: Reply): number {
  const headers: Record<string, string | string[]> = { ...SECURITY_HEADERS };
  if (reply.cookies?.length) headers['set-cookie'] = [...reply.cookies];
  if ('redirect' in reply) {
    response.writeHead(303, { ...headers, location: reply.redirect }).end();
    return 303;
  }
  response.writeHead(reply.page.status, { ...headers, 'content-type': 'text/html; charset=utf-8' }).end(reply.page.html);
  return reply.page.status;
}
