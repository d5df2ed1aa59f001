import type { IncomingMessage } from 'node:http';

/** The largest body the emulator reads; OAuth requests are a few hundred bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

export class BadRequest extends Error {
  override readonly name = 'BadRequest';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Reads the whole body, refusing more than MAX_BODY_BYTES. */
export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BadRequest(413, 'request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * The request's parameters, as Zoho reads them: the query string, then the body (urlencoded or multipart/form-data)
 * whose values win over the query's. Other body types are ignored, as Zoho ignores them.
 *
 * Multipart is parsed by Node's own fetch implementation (`Response#formData()`, undici's parser): a built-in, so
 * the emulator needs no dependency and no hand-written parser.
 */
export async function readParams(url: URL, contentType: string | undefined, body: Buffer): Promise<Map<string, string>> {
  const params = new Map<string, string>();
  for (const [name, value] of url.searchParams) if (!params.has(name)) params.set(name, value);
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (body.length === 0) return params;
  if (type === 'application/x-www-form-urlencoded') {
    for (const [name, value] of new URLSearchParams(body.toString('utf8'))) params.set(name, value);
  } else if (type === 'multipart/form-data') {
    let form: FormData;
    try {
      form = await new Response(body, { headers: { 'content-type': contentType as string } }).formData();
    } catch {
      throw new BadRequest(400, 'malformed multipart/form-data body');
    }
    for (const [name, value] of form) params.set(name, typeof value === 'string' ? value : await value.text());
  }
  return params;
}
