import type { IncomingMessage } from 'node:http';

/** The portal's forms carry a token and an id or two: a few hundred bytes. */
export const MAX_FORM_BYTES = 4_096;

/** Why a POST is refused before it is read: the answer's status and what to tell the student. */
export interface Refusal {
  readonly status: number;
  readonly reason: string;
}

/**
 * Refuses a POST that did not come from the portal's own pages: a browser says where a request came from with
 * `Sec-Fetch-Site` (only `same-origin` is ours: `same-site` is a sibling app on the same domain, which SameSite=Lax
 * lets send our cookie) and `Origin` (it must be the portal's public origin). A client that sends neither is left
 * to the session's CSRF token, which every form carries.
 */
export function refuseForeignPost(request: IncomingMessage, publicOrigin: string): Refusal | null {
  const site = request.headers['sec-fetch-site'];
  const origin = request.headers.origin;
  if ((site !== undefined && site !== 'same-origin') || (origin !== undefined && origin !== publicOrigin)) {
    return { status: 403, reason: 'foreign-origin' };
  }
  return null;
}

/** Reads an urlencoded form body of at most MAX_FORM_BYTES; a Refusal for anything else. */
export async function readForm(request: IncomingMessage): Promise<URLSearchParams | Refusal> {
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') return { status: 415, reason: 'not-a-form' };
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > MAX_FORM_BYTES) return { status: 413, reason: 'form-too-large' };
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) return { status: 413, reason: 'form-too-large' };
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export const isRefusal = (value: unknown): value is Refusal =>
  typeof value === 'object' && value !== null && 'reason' in value && 'status' in value;
