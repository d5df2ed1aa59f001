// A real standard OAuth 2.0 server for the tests: oidc-provider (certified OpenID Provider) on 127.0.0.1, with
// refresh-token rotation, its own endpoint paths and client_secret_basic only. It counts refresh requests and
// invalid_grant answers, and serves a Bearer-protected API that checks access tokens with the provider itself.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

const listen = async (server: Server): Promise<string> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

export interface OidcServer {
  readonly issuer: string;
  /** Where the provider listens: the issuer, unless another issuer was asked for (then a proxy or a rewrite maps it here). */
  readonly url: string;
  readonly apiUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
  /** Refresh-token grants that succeeded or failed, and the failures that were invalid_grant. */
  readonly counts: { refreshes: number; invalidGrants: number; exchanges: number };
  /** A fresh authorization code for `accountId`, as the provider's authorization endpoint would issue it. */
  authorizationCode(accountId: string): Promise<string>;
  close(): Promise<void>;
}

export async function startOidcServer(options: { issuer?: string } = {}): Promise<OidcServer> {
  const http = createServer();
  const url = await listen(http);
  const issuer = options.issuer ?? url;
  const clientId = `client-${randomBytes(4).toString('hex')}`;
  const clientSecret = `s3cret/${randomBytes(12).toString('hex')}+=`; // characters §2.3.1 encodes
  const redirectUri = 'http://127.0.0.1:8000/callback';
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    routes: { token: '/connect/token', revocation: '/connect/revoke', authorization: '/connect/authorize', jwks: '/connect/jwks' },
    features: { revocation: { enabled: true }, devInteractions: { enabled: false } },
    scopes: ['openid', 'offline_access', 'crm.read'],
    rotateRefreshToken: true,
    issueRefreshToken: async () => true,
    pkce: { required: () => false },
    ttl: { AccessToken: 3600, AuthorizationCode: 600, RefreshToken: 14 * 24 * 3600, Grant: 14 * 24 * 3600 },
    findAccount: async (_ctx: unknown, sub: string) => ({ accountId: sub, claims: async () => ({ sub }) }),
  });
  const counts = { refreshes: 0, invalidGrants: 0, exchanges: 0 };
  const grantType = (ctx: { oidc?: { params?: { grant_type?: string } } }): string | undefined => ctx.oidc?.params?.grant_type;
  provider.on('grant.success', (ctx: never) => {
    if (grantType(ctx) === 'refresh_token') counts.refreshes += 1;
    if (grantType(ctx) === 'authorization_code') counts.exchanges += 1;
  });
  provider.on('grant.error', (ctx: never, error: { error?: string }) => {
    if (grantType(ctx) === 'refresh_token') counts.refreshes += 1;
    if (error.error === 'invalid_grant') counts.invalidGrants += 1;
  });
  http.on('request', provider.callback());

  // The API: GET /crm/v8/Leads answers only a live access token of this provider, in a Bearer header (RFC 6750).
  const api = createServer((request, response) => {
    void (async () => {
      const bearer = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
      const token = bearer ? await provider.AccessToken.find(bearer) : undefined;
      if (!token) {
        response.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"', 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: 'invalid_token' }));
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ data: [{ owner: token.accountId }] }));
    })();
  });
  const apiUrl = await listen(api);

  const client = await provider.Client.find(clientId);
  return {
    issuer,
    url,
    apiUrl,
    clientId,
    clientSecret,
    redirectUri,
    counts,
    async authorizationCode(accountId: string): Promise<string> {
      // What the authorization endpoint saves once the user has consented: a grant and a code bound to it.
      const grant = new provider.Grant({ accountId, clientId });
      grant.addOIDCScope('openid offline_access crm.read');
      const grantId = await grant.save();
      const code = new provider.AuthorizationCode({ accountId, grantId, client, redirectUri, scope: 'openid offline_access crm.read' });
      return code.save();
    },
    async close(): Promise<void> {
      await Promise.all(
        [http, api].map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      );
    },
  };
}
