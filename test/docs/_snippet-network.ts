// Loaded (node --import) into every documentation snippet: the Internet the snippet sees. Requests to the public
// servers the docs name (https://accounts.zoho.com, https://www.zohoapis.com, …, https://auth.example.com) go to
// the local stand-ins (the accounts emulator, an OAuth 2.0 server), and the stand-ins' own addresses in JSON answers
// (a token's api_domain) read as the public ones, so the snippet runs exactly as written against real Zoho.
// SNIPPET_NETWORK = { "requests": [[public origin, local origin], …], "answers": [[local origin, public origin], …] }

interface Network {
  readonly requests: ReadonlyArray<readonly [string, string]>;
  readonly answers: ReadonlyArray<readonly [string, string]>;
}

const network = JSON.parse(process.env.SNIPPET_NETWORK ?? '{"requests":[],"answers":[]}') as Network;
const platformFetch = globalThis.fetch;
const NO_BODY = new Set([101, 204, 205, 304]);

function localUrl(url: string): string | null {
  for (const [publicOrigin, localOrigin] of network.requests) {
    if (url === publicOrigin || url.startsWith(`${publicOrigin}/`) || url.startsWith(`${publicOrigin}?`))
      return localOrigin + url.slice(publicOrigin.length);
  }
  return null;
}

async function publicAnswer(response: Response): Promise<Response> {
  if (NO_BODY.has(response.status) || !(response.headers.get('content-type') ?? '').includes('json')) return response;
  let text = await response.text();
  for (const [localOrigin, publicOrigin] of network.answers)
    text = text.split(JSON.stringify(localOrigin)).join(JSON.stringify(publicOrigin));
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  return new Response(text, { status: response.status, statusText: response.statusText, headers });
}

globalThis.fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
  const url = input instanceof Request ? input.url : String(input);
  const local = localUrl(url);
  if (local === null) {
    if (/^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(url)) return platformFetch(input, init);
    throw new TypeError(`fetch failed: a documentation snippet reached for ${new URL(url).origin}, which has no local stand-in`);
  }
  return publicAnswer(await platformFetch(input instanceof Request ? new Request(local, input) : local, init));
};
