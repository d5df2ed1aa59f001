import { createServer, type Server } from 'node:http';
import { CliError } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';

const PAGE = (title: string, text: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${text}</p></body></html>`;

/**
 * A one-shot HTTP server on the redirect URI's port that waits for Zoho's redirect back (`?code=…&state=…`).
 * Requests to other paths get 404; a redirect whose `state` is not ours is refused and the wait goes on, so a
 * stray or forged request cannot end the login. Listens on loopback only.
 */
export class RedirectReceiver {
  readonly #server: Server;
  readonly #path: string;
  readonly #state: string;
  #settle: { resolve: (url: URL) => void; reject: (error: unknown) => void } | null = null;

  private constructor(redirectUri: URL, state: string) {
    this.#path = redirectUri.pathname;
    this.#state = state;
    this.#server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', redirectUri.origin);
      if (url.pathname !== this.#path) {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
        return;
      }
      if (url.searchParams.get('state') !== this.#state) {
        response
          .writeHead(400, { 'content-type': 'text/html' })
          .end(PAGE('Login refused', 'This redirect does not belong to the running login.'));
        return;
      }
      const denied = url.searchParams.has('error');
      response
        .writeHead(denied ? 400 : 200, { 'content-type': 'text/html', connection: 'close' })
        .end(
          denied
            ? PAGE('Authorization denied', 'Zoho did not authorize the app. You can close this window.')
            : PAGE('Authorized', 'zoho-tokens received the authorization. You can close this window.'),
        );
      this.#settle?.resolve(url);
      this.#settle = null;
    });
  }

  /** Starts listening on the redirect URI's host and port (the host must be this machine). */
  static async listen(redirectUri: URL, state: string): Promise<RedirectReceiver> {
    const host = redirectUri.hostname.replace(/^\[|\]$/g, '');
    if (!['localhost', '127.0.0.1', '::1'].includes(host)) {
      throw new CliError(
        ExitCode.USAGE,
        'login can receive the redirect only on this machine (a localhost or 127.0.0.1 redirect URI).',
        'register http://127.0.0.1:PORT/callback as a redirect URI of the client, or use login --code with a self-client grant code',
      );
    }
    const receiver = new RedirectReceiver(redirectUri, state);
    const port = Number(redirectUri.port || 80);
    await new Promise<void>((resolve, reject) => {
      receiver.#server.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          new CliError(
            ExitCode.USAGE,
            `Cannot listen on ${host}:${port} for the redirect (${error.code ?? 'error'}).`,
            'pick a free port with --port (and register that redirect URI)',
          ),
        ),
      );
      receiver.#server.listen(port, host === 'localhost' ? '127.0.0.1' : host, () => resolve());
    });
    return receiver;
  }

  /** Resolves to the redirect URL once Zoho's redirect arrives; rejects after `timeoutMs`. */
  wait(timeoutMs: number): Promise<URL> {
    return new Promise<URL>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#settle = null;
        reject(
          new CliError(
            ExitCode.FAILED,
            `No authorization arrived within ${Math.round(timeoutMs / 1_000)} s.`,
            'run login again and finish the consent in the browser (or raise --timeout)',
          ),
        );
      }, timeoutMs);
      timer.unref();
      this.#settle = {
        resolve: (url) => {
          clearTimeout(timer);
          resolve(url);
        },
        reject,
      };
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }
}
