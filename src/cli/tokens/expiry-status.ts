import { DEFAULT_REFRESH_MARGIN_MS } from '../../lifecycle/token-manager-options.js';
import type { OAuthToken } from '../../token/oauth-token.js';

/** Within the TokenManager's refresh margin an access token counts as expiring: the engine renews it on its next use. */
export const EXPIRING_WITHIN_MS = DEFAULT_REFRESH_MARGIN_MS;

export type ExpiryStatus = 'valid' | 'expiring' | 'expired' | 'no access token';

/** The state of a token's access token at `now`. An access token without an expiry counts as expired, as the SDKs do. */
export function expiryStatusOf(token: OAuthToken, now: number): ExpiryStatus {
  if (token.accessToken === null) return 'no access token';
  if (token.expiresAt === null || token.expiresAt <= now) return 'expired';
  if (token.expiresAt - now <= EXPIRING_WITHIN_MS) return 'expiring';
  return 'valid';
}

/** "in 52m", "3h ago": how far an expiry is from now, for people. */
export function relativeTime(at: number, now: number): string {
  const delta = at - now;
  const abs = Math.abs(delta);
  const text =
    abs < 60_000
      ? `${Math.round(abs / 1_000)}s`
      : abs < 3_600_000
        ? `${Math.round(abs / 60_000)}m`
        : abs < 172_800_000
          ? `${Math.round(abs / 3_600_000)}h`
          : `${Math.round(abs / 86_400_000)}d`;
  return delta >= 0 ? `in ${text}` : `${text} ago`;
}
