import { createRequire } from 'node:module';
import { ErrorCode } from '../errors/codes.js';
import { TokenStoreError } from '../errors/token-store-error.js';
import type { OfficialOAuthToken, OfficialUserSignature } from './official-token.js';

export const OFFICIAL_SDK_PACKAGE = '@zohocrm/typescript-sdk-8.0';

/** The official SDK's classes the bridge builds and throws: the very ones its API classes test with `instanceof`. */
export interface OfficialSdk {
  readonly OAuthToken: new () => OfficialOAuthToken;
  readonly UserSignature: new (name: string) => OfficialUserSignature;
  readonly SDKException: new (code: string | null, message: string | null, details?: unknown, cause?: unknown) => Error;
}

let loaded: OfficialSdk | null = null;

/**
 * The official SDK, required on first use (it is CommonJS with no exports map, so its root module is required: the
 * same module instances the application's `import '@zohocrm/typescript-sdk-8.0'` gets). A missing package is
 * `DRIVER_MISSING` naming it.
 */
export function officialSdk(): OfficialSdk {
  if (loaded !== null) return loaded;
  const require = createRequire(import.meta.url);
  let sdk: OfficialSdk;
  try {
    sdk = require(OFFICIAL_SDK_PACKAGE) as OfficialSdk;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code !== 'MODULE_NOT_FOUND') throw error;
    throw new TokenStoreError(
      ErrorCode.DRIVER_MISSING,
      `zoho-token-store/official needs the package "${OFFICIAL_SDK_PACKAGE}", which is not installed: run npm install ${OFFICIAL_SDK_PACKAGE}`,
      { cause: error },
    );
  }
  if (typeof sdk.OAuthToken !== 'function' || typeof sdk.UserSignature !== 'function' || typeof sdk.SDKException !== 'function') {
    throw new TokenStoreError(
      ErrorCode.DRIVER_MISSING,
      `The installed "${OFFICIAL_SDK_PACKAGE}" does not export OAuthToken, UserSignature and SDKException: install version 3 (npm install ${OFFICIAL_SDK_PACKAGE}@^3).`,
    );
  }
  loaded = sdk;
  return sdk;
}
