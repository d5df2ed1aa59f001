import { usageError } from '../cli-error.js';
import type { CommandContext } from '../command-context.js';
import { required } from '../settings.js';
import { KEYS_VARIABLE, storeEncryption } from '../stores/cli-encryption.js';
import { withStore } from '../stores/cli-open-store.js';
import { printJson } from '../json-output.js';

/**
 * `zoho-tokens reencrypt`: rewrites every stored token not entirely under the current key (see
 * docs/encryption.md, key rotation). Prints how many were rewritten; never a secret or a key.
 */
export async function reencrypt(context: CommandContext, options: { readonly json?: boolean } = {}): Promise<number> {
  const location = required(context.settings, 'store', 'reencrypt');
  const encryption = storeEncryption();
  if (encryption === undefined) {
    throw usageError(
      'reencrypt needs the key ring.',
      `set ${KEYS_VARIABLE} (id:base64,…) with every key in use, and ZOHO_TOKENS_KEY_ID to the new one`,
    );
  }
  return withStore(location, async ({ store, location: parsed }) => {
    if (typeof store.reencrypt !== 'function') throw usageError(`The store ${parsed.display} cannot be re-encrypted.`);
    const { rewritten } = await store.reencrypt();
    if (options.json) printJson(context.terminal, { store: parsed.display, keyId: encryption.currentKeyId, rewritten });
    else
      context.terminal.out(
        `Re-encrypted ${rewritten} token${rewritten === 1 ? '' : 's'} in ${parsed.display} under key "${encryption.currentKeyId}".`,
      );
    return 0;
  });
}
