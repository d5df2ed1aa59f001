import { readFileSync } from 'node:fs';
import { KEY_ID_PATTERN, encryptionConfig, type EncryptionOptions } from '../../encryption/encryption-options.js';
import { usageError } from '../cli-error.js';

export const KEYS_VARIABLE = 'ZOHO_TOKENS_KEYS';
export const KEY_FILE_VARIABLE = 'ZOHO_TOKENS_KEY_FILE';
export const KEY_ID_VARIABLE = 'ZOHO_TOKENS_KEY_ID';

const FORMAT_HINT = `write keys as id:base64 pairs separated by commas or new lines, e.g. ${KEYS_VARIABLE}=k1:<32 bytes in base64>`;

/** Reads `id:base64` pairs. Messages give the position of a bad entry, never its text (it holds a key). */
function parseKeys(text: string, source: string): Record<string, string> {
  const keys: Record<string, string> = {};
  const entries = text
    .split(/[,\n]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '' && !entry.startsWith('#'));
  for (const [index, entry] of entries.entries()) {
    const colon = entry.indexOf(':');
    const id = colon <= 0 ? '' : entry.slice(0, colon).trim();
    // Checked here so that later messages, which name key ids, can never print a key given in place of its id.
    if (!KEY_ID_PATTERN.test(id))
      throw usageError(`${source}: entry ${index + 1} is not id:base64 with an id of 1 to 16 letters, digits, "_" or "-".`, FORMAT_HINT);
    keys[id] = entry.slice(colon + 1).trim();
  }
  if (entries.length === 0) throw usageError(`${source} holds no key.`, FORMAT_HINT);
  return keys;
}

/**
 * The key ring every store the CLI opens uses, from the environment: `ZOHO_TOKENS_KEYS` (id:base64 pairs) or
 * `ZOHO_TOKENS_KEY_FILE` (a file of such pairs, one per line), and `ZOHO_TOKENS_KEY_ID`, the key new writes use
 * (optional when the ring has one key). Undefined when neither is set: stores open without encryption.
 */
export function encryptionFromEnvironment(env: NodeJS.ProcessEnv): EncryptionOptions | undefined {
  const inline = env[KEYS_VARIABLE] || undefined;
  const file = env[KEY_FILE_VARIABLE] || undefined;
  if (inline === undefined && file === undefined) {
    if (env[KEY_ID_VARIABLE])
      throw usageError(`${KEY_ID_VARIABLE} is set but no keys are given.`, `set ${KEYS_VARIABLE} or ${KEY_FILE_VARIABLE}`);
    return undefined;
  }
  if (inline !== undefined && file !== undefined) throw usageError(`Set ${KEYS_VARIABLE} or ${KEY_FILE_VARIABLE}, not both.`);
  let text = inline;
  if (file !== undefined) {
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw usageError(
        `The key file ${file} cannot be read (${(error as { code?: string }).code ?? 'error'}).`,
        `check ${KEY_FILE_VARIABLE}`,
      );
    }
  }
  const keys = parseKeys(text as string, inline !== undefined ? KEYS_VARIABLE : `the key file ${file}`);
  const ids = Object.keys(keys);
  const currentKeyId = env[KEY_ID_VARIABLE] || (ids.length === 1 ? ids[0] : undefined);
  if (currentKeyId === undefined) {
    throw usageError(
      `The key ring has ${ids.length} keys; say which one new writes use.`,
      `set ${KEY_ID_VARIABLE} to one of: ${ids.join(', ')}`,
    );
  }
  const encryption = { keys, currentKeyId };
  try {
    encryptionConfig(encryption, 'the key ring');
  } catch (error) {
    // A key that is not 32 bytes, a bad key id: the environment is wrong, so this is a usage error. The message
    // names key ids, never keys.
    throw usageError((error as Error).message, FORMAT_HINT);
  }
  return encryption;
}

let environment: NodeJS.ProcessEnv = {};
let resolved: { readonly encryption: EncryptionOptions | undefined } | null = null;

/**
 * Sets the environment the key ring of stores opened from now on comes from (the CLI sets it once per command).
 * It is read on first use, so a command that opens no store never reads a key file or fails on a bad ring.
 */
export function useStoreEncryption(env: NodeJS.ProcessEnv): void {
  environment = env;
  resolved = null;
}

/** The key ring from the environment set by `useStoreEncryption`, if any (a usage error when it is malformed). */
export function storeEncryption(): EncryptionOptions | undefined {
  resolved ??= { encryption: encryptionFromEnvironment(environment) };
  return resolved.encryption;
}
