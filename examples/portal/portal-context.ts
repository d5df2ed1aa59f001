import type { TokenManager } from 'zoho-token-store';
import type { PortalConfig } from './config.js';
import type { PortalCookies } from './cookies.js';
import type { PendingSignIns } from './pending-sign-ins.js';
import type { PortalLog } from './portal-log.js';
import type { ReplacedRefreshTokens } from './replaced-refresh-tokens.js';
import type { SessionRegistry } from './sessions.js';
import type { SignInThrottle } from './sign-in-throttle.js';

/** What every route uses: the configuration, the manager, and the portal's in-memory state. */
export interface PortalContext {
  readonly config: PortalConfig;
  readonly manager: TokenManager;
  /** The origin students reach the portal at (`PORTAL_PUBLIC_URL`): the only Origin its forms may come from. */
  readonly publicOrigin: string;
  readonly cookies: PortalCookies;
  readonly sessions: SessionRegistry;
  readonly pending: PendingSignIns;
  readonly throttle: SignInThrottle;
  readonly replaced: ReplacedRefreshTokens;
  readonly log: PortalLog;
  /** The portal's clock (the emulator's in the demo), for sessions, sign-ins and Zoho's windows. */
  readonly now: () => number;
}
