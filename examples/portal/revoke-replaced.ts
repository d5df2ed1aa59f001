import { allZohoEnvironments, environmentForApiDomain, isTokenStoreError, type OAuthToken } from 'zoho-token-store';
import { oauthServerOf } from 'zoho-token-store/accounts';
import type { PortalContext } from './portal-context.js';

/** How long a sign-in waits for Zoho to revoke the token it replaced (the library's retries included). */
const REVOKE_WAIT_MS = 5_000;

/**
 * Revokes, at Zoho, the refresh tokens a sign-in replaced in the store (see ReplacedRefreshTokens): the student
 * signed in again, so the old one would otherwise stay alive at Zoho, unused, until someone removed it by hand.
 * Each is revoked at the accounts server of its own data center, within REVOKE_WAIT_MS. A failure is logged, not
 * shown: the student's new sign-in is complete either way.
 */
export async function revokeReplaced({ config, manager, log }: PortalContext, replaced: readonly OAuthToken[]): Promise<void> {
  for (const token of replaced) {
    const environment =
      (token.apiDomain
        ? environmentForApiDomain(token.apiDomain, [config.environment, ...config.environments, ...allZohoEnvironments()])
        : null) ?? config.environment;
    try {
      const remote = await manager.accounts.revoke(
        {
          accountsUrl: environment.accountsUrl,
          refreshToken: String(token.refreshToken),
          client: {
            clientId: token.clientId ?? config.clientId,
            clientSecret: token.clientSecret ?? config.clientSecret,
            server: oauthServerOf(environment),
          },
        },
        { signal: AbortSignal.timeout(REVOKE_WAIT_MS) },
      );
      log.event('previous_token_revoked', { user: log.user(token.userName), token_id: token.id, remote });
    } catch (error) {
      log.event('previous_token_revoke_failed', {
        user: log.user(token.userName),
        token_id: token.id,
        code: isTokenStoreError(error) ? error.code : error instanceof Error ? error.name : 'UNKNOWN',
      });
    }
  }
}
