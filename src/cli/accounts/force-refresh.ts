import type { TokenCredentials } from '../../lifecycle/token-cache.js';
import type { OAuthToken } from '../../token/oauth-token.js';
import { CliError } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';
import type { Settings } from '../settings.js';
import type { CliTokenStore } from '../stores/opened-store.js';
import { openManager } from './open-manager.js';

/**
 * Gets a new access token for a stored token now, even if the stored one is still valid, through the token engine
 * (under the store's refresh lock) and saves it. Rejects with the engine's error when Zoho refused or failed.
 */
export async function forceRefresh(store: CliTokenStore, token: OAuthToken, settings: Settings): Promise<TokenCredentials> {
  const manager = openManager(store, settings, token.apiDomain);
  let failure: Error | null = null;
  manager.on('refreshFailed', (event) => {
    failure = event.error;
  });
  try {
    // The engine refreshes a token whose access token an API refused: tell it the stored one is done with.
    if (token.accessToken) manager.reportInvalidToken(token.accessToken);
    const credentials = await manager.credentials({ id: token.id as string });
    if (credentials.accessToken === token.accessToken) {
      // The engine served the old token: the accounts server failed while that token was still valid.
      throw failure ?? new CliError(ExitCode.FAILED, `Token ${token.id} was not refreshed.`, 'rerun with --debug');
    }
    return credentials;
  } finally {
    await manager.close();
  }
}
