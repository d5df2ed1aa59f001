import { ErrorCode } from '../../errors/codes.js';
import { TokenStoreError } from '../../errors/token-store-error.js';

/** Zoho's limits, as settings (several of Zoho's own numbers "vary"; see docs/emulator.md). */
export interface EmulatorLimits {
  /** Access tokens created per refresh token per window (Zoho: 10). */
  accessTokensPerRefreshWindow: number;
  /** The window of that limit (Zoho: 10 minutes); past the limit, the "Access Denied" throttle body until it ends. */
  refreshWindowMs: number;
  /** Active access tokens per refresh token (Zoho: 10, 15 or 30, "varies"); the oldest is invalidated beyond it. */
  activeAccessTokensPerRefresh: number;
  /** Refresh tokens per user per client (Zoho: 20); one more deletes the oldest with its access tokens. */
  refreshTokensPerUserPerClient: number;
  /** Access token lifetime (Zoho: 1 hour). */
  accessTokenTtlMs: number;
  /** Web-flow grant code lifetime (Zoho: 2 minutes, "varies" 1–3); self-client codes take their own. */
  grantCodeTtlMs: number;
  /** Grant codes per client per window (Zoho: 10 in 10 minutes); beyond it the exchange answers `access_denied`. */
  grantCodesPerClientWindow: number;
  /** The window of the grant-code limit (Zoho: 10 minutes). An addition to the agreed API. */
  grantCodeWindowMs: number;
  /** Self-client grant code lifetime when `issueGrantCode` gets no `ttlMs` (Zoho lets the user pick 3, 5, 7 or 10 minutes). */
  selfClientCodeTtlMs: number;
}

export const DEFAULT_LIMITS: Readonly<EmulatorLimits> = Object.freeze({
  accessTokensPerRefreshWindow: 10,
  refreshWindowMs: 600_000,
  activeAccessTokensPerRefresh: 10,
  refreshTokensPerUserPerClient: 20,
  accessTokenTtlMs: 3_600_000,
  grantCodeTtlMs: 120_000,
  grantCodesPerClientWindow: 10,
  grantCodeWindowMs: 600_000,
  selfClientCodeTtlMs: 180_000,
});

/** The defaults with `overrides` applied, each a positive whole number, frozen. */
export function resolveLimits(overrides: Partial<EmulatorLimits> = {}): Readonly<EmulatorLimits> {
  if (typeof overrides !== 'object' || overrides === null) {
    throw new TokenStoreError(ErrorCode.INVALID_CONFIG, 'Emulator option limits must be an object of numbers.');
  }
  const limits: EmulatorLimits = { ...DEFAULT_LIMITS };
  for (const [name, value] of Object.entries(overrides)) {
    if (!(name in DEFAULT_LIMITS)) {
      throw new TokenStoreError(
        ErrorCode.INVALID_CONFIG,
        `Unknown emulator limit ${name}; known: ${Object.keys(DEFAULT_LIMITS).join(', ')}.`,
      );
    }
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      throw new TokenStoreError(ErrorCode.INVALID_CONFIG, `Emulator limit ${name} must be a whole number ≥ 1.`);
    }
    limits[name as keyof EmulatorLimits] = value;
  }
  return Object.freeze(limits);
}
