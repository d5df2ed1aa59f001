// A minimal standard OAuth 2.0 token endpoint that ROTATES refresh tokens (RFC 6749 §6, as many servers other than
// Zoho do): each refresh answers a new refresh token and invalidates the old one; reuse of an old one is
// `invalid_grant`. Errors use standard HTTP statuses. For the lifecycle tests only.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const value = (): string => randomBytes(24).toString('hex');

export class RotatingOAuthServer {
  readonly clientId = `client-${value().slice(0, 8)}`;
  readonly clientSecret = value();
  /** Refresh requests seen, and the ones refused because the refresh token was already rotated away. */
  refreshRequests = 0;
  reusedRefreshTokens = 0;
  /** When set, the next token request answers this status and body. */
  nextAnswer: { status: number; body: object; headers?: Record<string, string> } | null = null;
  #current: string;
  readonly #server: Server;

  private constructor(initialRefreshToken: string) {
    this.#current = initialRefreshToken;
    this.#server = createServer((request, response) => {
      void this.#answer(request).then(({ status, body, headers }) => {
        response.writeHead(status, { 'content-type': 'application/json', ...headers });
        response.end(JSON.stringify(body));
      });
    });
  }

  static async start(): Promise<RotatingOAuthServer> {
    const server = new RotatingOAuthServer(value());
    await new Promise<void>((resolve) => server.#server.listen(0, '127.0.0.1', resolve));
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** The refresh token that works now. */
  get currentRefreshToken(): string {
    return this.#current;
  }

  async #answer(request: IncomingMessage): Promise<{ status: number; body: object; headers?: Record<string, string> }> {
    let text = '';
    for await (const chunk of request as AsyncIterable<Buffer>) text += chunk.toString();
    const params = new URLSearchParams(text);
    if (request.url !== '/oauth/v2/token' || params.get('grant_type') !== 'refresh_token')
      return { status: 400, body: { error: 'unsupported_grant_type' } };
    this.refreshRequests += 1;
    if (this.nextAnswer) {
      const answer = this.nextAnswer;
      this.nextAnswer = null;
      return answer;
    }
    if (params.get('client_id') !== this.clientId || params.get('client_secret') !== this.clientSecret)
      return { status: 401, body: { error: 'invalid_client' } };
    if (params.get('refresh_token') !== this.#current) {
      this.reusedRefreshTokens += 1;
      return { status: 400, body: { error: 'invalid_grant', error_description: 'refresh token already used' } };
    }
    this.#current = value();
    return { status: 200, body: { access_token: value(), refresh_token: this.#current, token_type: 'Bearer', expires_in: 3600 } };
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
