import type { EmulatorContext } from './context.js';
import type { ClientRecord, EmulatorUser } from './directory.js';
import type { PkceChallenge } from './pkce-verification.js';

export interface ConsentRequest {
  readonly client: ClientRecord;
  readonly user: Readonly<EmulatorUser>;
  readonly scope: readonly string[];
  readonly accessType: 'offline' | 'online';
  /** `prompt=consent`: the user is asked again, so an offline code yields a refresh token even if one exists. */
  readonly forceConsent: boolean;
  /** A code generated in the console's self-client tab: no redirect URI, always a refresh token, its own ttl. */
  readonly selfClient: boolean;
  readonly ttlMs?: number | undefined;
  readonly pkce?: PkceChallenge | null | undefined;
}

/**
 * The user consents: a grant code. Zoho gives a refresh token only with `access_type=offline`, and only the first
 * time the user authorizes the client unless `prompt=consent` (here: while the user holds no refresh token for it).
 */
export function grantConsent(context: EmulatorContext, request: ConsentRequest): string {
  const { client, user, selfClient } = request;
  const firstTime = context.ledger.refreshTokenCount(client.client.clientId, user.id) === 0;
  return context.codes.issue({
    clientId: client.client.clientId,
    userId: user.id,
    dataCenter: user.dataCenter,
    scope: request.scope,
    ttlMs: request.ttlMs ?? (selfClient ? context.limits.selfClientCodeTtlMs : context.limits.grantCodeTtlMs),
    redirectUri: selfClient ? null : client.client.redirectUri,
    grantsRefreshToken: selfClient || (request.accessType === 'offline' && (request.forceConsent || firstTime)),
    pkce: request.pkce ?? null,
  });
}
