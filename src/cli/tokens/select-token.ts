import { CliError } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';
import { OAuthToken } from '../../token/oauth-token.js';
import type { CliTokenStore } from '../stores/opened-store.js';

/**
 * The stored token a command argument names: a token id first, else a user name (the email the SDK stores).
 * Not found is exit code 3.
 */
export async function selectToken(store: CliTokenStore, idOrUser: string, storeDisplay: string): Promise<OAuthToken> {
  const byId = await store.findTokenById(idOrUser);
  if (byId) return byId;
  const byUser = await store.findToken(new OAuthToken({ userSignature: idOrUser }));
  if (byUser?.id) return (await store.findTokenById(byUser.id)) ?? byUser;
  throw new CliError(
    ExitCode.NOT_FOUND,
    `No token with id or user "${idOrUser}" in ${storeDisplay}.`,
    'run `zoho-tokens list` to see the stored ids and users',
  );
}
