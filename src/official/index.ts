export { OfficialTokenStore } from './official-token-store.js';
export type { OfficialOAuthToken, OfficialUserSignature } from './official-token.js';
export { OFFICIAL_SDK_PACKAGE } from './official-sdk.js';
