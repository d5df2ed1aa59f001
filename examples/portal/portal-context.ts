import type { TokenManager } from 'zoho-token-store';
import type { PortalConfig } from './config.js';
import type { PendingSignIns } from './pending-sign-ins.js';
import type { Sessions } from './session.js';

/** What every route uses. */
export interface PortalContext {
  readonly config: PortalConfig;
  readonly manager: TokenManager;
  readonly sessions: Sessions;
  readonly pending: PendingSignIns;
}
