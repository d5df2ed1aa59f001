import type { DataCenterCode } from '../../accounts/data-centers.js';
import type { EmulatorContext } from './context.js';
import type { ClientRecord } from './directory.js';
import { verifierMatches } from './pkce-verification.js';
import { DROP, json, oauthError, serverError, throttled, type EmulatorResponse } from './responses.js';
import type { AccessTokenRecord } from './token-ledger.js';

type Params = ReadonlyMap<string, string>;

/**
 * `POST /oauth/v2/token` at one data center's accounts server. Every refusal is HTTP 200 with an error body, as at
 * Zoho; only injected faults answer 5xx. Checks run in Zoho's order: client, data center, secret, then the grant.
 */
export function tokenEndpoint(context: EmulatorContext, dataCenter: DataCenterCode, params: Params): EmulatorResponse {
  const grantType = params.get('grant_type');
  if (grantType === 'refresh_token') context.stats.sawRefreshRequest(params.get('refresh_token'));
  if (grantType === 'authorization_code') context.stats.sawCodeExchange();

  const injected = injectedFault(context);
  if (injected) return injected;

  switch (grantType) {
    case 'authorization_code':
      return exchangeCode(context, dataCenter, params);
    case 'refresh_token':
      return refresh(context, dataCenter, params);
    case 'client_credentials':
      return clientCredentials(context, dataCenter, params);
    default:
      return oauthError('unsupported_grant_type');
  }
}

function injectedFault(context: EmulatorContext): EmulatorResponse | null {
  const { faults, stats } = context;
  if (faults.takeDrop()) return DROP;
  const status = faults.takeFailure();
  if (status !== null) return serverError(status);
  if (faults.takeThrottle()) {
    stats.sawThrottle();
    return throttled();
  }
  if (faults.takeInvalidCode()) return oauthError('invalid_code');
  return null;
}

/** The client, or the error body: unknown id or another data center's grant → invalid_client; wrong secret → invalid_client_secret. */
function authenticate(
  context: EmulatorContext,
  params: Params,
  grantDataCenter: DataCenterCode | null,
  dataCenter: DataCenterCode,
): ClientRecord | EmulatorResponse {
  const client = context.directory.client(params.get('client_id') ?? '');
  if (!client) return oauthError('invalid_client');
  // Each data center keeps its own grants: at another DC's accounts server, the client has nothing, as at Zoho.
  if (grantDataCenter !== null && grantDataCenter !== dataCenter) return oauthError('invalid_client');
  if (params.get('client_secret') !== client.client.clientSecret) return oauthError('invalid_client_secret');
  return client;
}

function exchangeCode(context: EmulatorContext, dataCenter: DataCenterCode, params: Params): EmulatorResponse {
  const code = context.codes.find(params.get('code') ?? '');
  const client = authenticate(context, params, code?.dataCenter ?? null, dataCenter);
  if ('kind' in client) return client;
  if (!code || code.clientId !== client.client.clientId) return oauthError('invalid_code');
  context.codes.consume(code.value); // single use, whatever the outcome from here on
  if (code.overLimit) return oauthError('access_denied');
  if (code.redirectUri !== null && params.get('redirect_uri') !== code.redirectUri) return oauthError('invalid_redirect_uri');
  if (code.pkce && !verifierMatches(code.pkce, params.get('code_verifier'))) return oauthError('invalid_code');

  const user = context.directory.user(code.userId);
  const grant = { clientId: code.clientId, userId: code.userId, orgId: user?.orgId ?? '', dataCenter, scope: code.scope };
  if (!code.grantsRefreshToken) return tokenBody(context, context.ledger.mintStandalone(grant), { refreshToken: null, withScope: false });
  const refreshToken = context.ledger.createRefreshToken(grant);
  // The access token that comes with the code is not one "generated from the refresh token": the window starts empty.
  const access = context.ledger.mintFromRefreshToken(refreshToken, false) as AccessTokenRecord;
  return tokenBody(context, access, { refreshToken: refreshToken.value, withScope: false });
}

function refresh(context: EmulatorContext, dataCenter: DataCenterCode, params: Params): EmulatorResponse {
  const presented = params.get('refresh_token') ?? '';
  const record = context.ledger.refreshToken(presented);
  const client = authenticate(context, params, record?.dataCenter ?? null, dataCenter);
  if ('kind' in client) return client;
  if (context.modes.rotateRefreshTokens && !record) {
    // A standard rotating server: a retired refresh token presented again revokes its whole grant (RFC 6749 §10.4).
    if (context.ledger.reuse(presented)) context.stats.sawReusedRefreshToken();
    return json(400, { error: 'invalid_grant', error_description: 'The refresh token is invalid, revoked or was already used.' });
  }
  // A wrong, revoked or deleted refresh token reads like a used grant code.
  if (!record || record.clientId !== client.client.clientId) return oauthError('invalid_code');
  const access = context.ledger.mintFromRefreshToken(record);
  if (!access) {
    context.stats.sawThrottle();
    return throttled();
  }
  context.stats.issuedFromRefreshToken(record.value);
  if (!context.modes.rotateRefreshTokens) return tokenBody(context, access, { refreshToken: null, withScope: true });
  const next = context.ledger.rotate(record);
  return tokenBody(context, access, { refreshToken: next.value, withScope: true });
}

function clientCredentials(context: EmulatorContext, dataCenter: DataCenterCode, params: Params): EmulatorResponse {
  const found = context.directory.client(params.get('client_id') ?? '');
  const client = authenticate(context, params, found?.client.dataCenter ?? null, dataCenter);
  if ('kind' in client) return client;
  if (!client.selfClient) return oauthError('unauthorized_client');
  const orgId = /^ZohoCRM\.(\S+)$/.exec(params.get('soid') ?? '')?.[1];
  if (orgId === undefined) return oauthError('missing_org_info');
  const scope = splitScope(params.get('scope'));
  if (scope.length === 0) return oauthError('invalid_scope');
  // The token acts for the org; CurrentUser answers its first emulated user, if it has one.
  const user = context.directory.orgUsers(orgId, dataCenter)[0] ?? null;
  const access = context.ledger.mintStandalone({ clientId: client.client.clientId, userId: user?.id ?? null, orgId, dataCenter, scope });
  return tokenBody(context, access, { refreshToken: null, withScope: true });
}

/** Scopes as Zoho takes them: comma-separated (spaces tolerated). */
export function splitScope(value: string | undefined): string[] {
  return (value ?? '').split(/[\s,]+/).filter((scope) => scope !== '');
}

function tokenBody(
  context: EmulatorContext,
  access: AccessTokenRecord,
  options: { refreshToken: string | null; withScope: boolean },
): EmulatorResponse {
  const ttlMs = context.limits.accessTokenTtlMs;
  const seconds = Math.round(ttlMs / 1000);
  return json(200, {
    access_token: access.value,
    ...(options.refreshToken === null ? {} : { refresh_token: options.refreshToken }),
    ...(options.withScope ? { scope: access.scope.join(' ') } : {}),
    api_domain: context.apiDomain(access.dataCenter),
    token_type: 'Bearer',
    // The legacy format: "expires_in_sec" present means "expires_in" is in milliseconds.
    ...(context.faults.legacy ? { expires_in_sec: seconds, expires_in: ttlMs } : { expires_in: seconds }),
  });
}
