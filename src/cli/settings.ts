import { readFile } from 'node:fs/promises';
import { usageError } from './cli-error.js';

/** Everything that can come from a flag, an environment variable or the JSON config file. */
export interface Settings {
  readonly store?: string;
  readonly accountsUrl?: string;
  readonly dataCenter?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly redirectUri?: string;
  readonly scope?: string;
}

export type SettingName = keyof Settings;

/** The environment variable of each setting; `ZOHO_TOKENS_CONFIG` names the config file. */
export const ENVIRONMENT_VARIABLES: Readonly<Record<SettingName, string>> = Object.freeze({
  store: 'ZOHO_TOKENS_STORE',
  accountsUrl: 'ZOHO_TOKENS_ACCOUNTS_URL',
  dataCenter: 'ZOHO_TOKENS_DC',
  clientId: 'ZOHO_TOKENS_CLIENT_ID',
  clientSecret: 'ZOHO_TOKENS_CLIENT_SECRET',
  redirectUri: 'ZOHO_TOKENS_REDIRECT_URI',
  scope: 'ZOHO_TOKENS_SCOPE',
});

export const CONFIG_VARIABLE = 'ZOHO_TOKENS_CONFIG';

/** The flag that sets each setting, for messages. */
export const FLAGS: Readonly<Record<SettingName, string>> = Object.freeze({
  store: '--store',
  accountsUrl: '--accounts-url',
  dataCenter: '--dc',
  clientId: '--client-id',
  clientSecret: '--client-secret',
  redirectUri: '--redirect-uri',
  scope: '--scope',
});

const NAMES = Object.keys(ENVIRONMENT_VARIABLES) as SettingName[];

async function readConfigFile(path: string): Promise<Settings> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw usageError(
      `The config file ${path} cannot be read (${code ?? 'error'}).`,
      'check the path given to --config or ZOHO_TOKENS_CONFIG',
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw usageError(`The config file ${path} is not valid JSON.`, 'it must be a JSON object such as {"store": "sqlite:./zohooauth.db"}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw usageError(`The config file ${path} must hold a JSON object.`, 'for example {"store": "sqlite:./zohooauth.db"}');
  }
  const settings: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!(NAMES as string[]).includes(key)) {
      throw usageError(`The config file ${path} has an unknown key "${key}".`, `known keys: ${NAMES.join(', ')}`);
    }
    if (typeof value !== 'string') throw usageError(`The config file ${path}: "${key}" must be a string.`);
    settings[key] = value;
  }
  return settings;
}

/**
 * Resolves the settings: a flag wins over its environment variable, which wins over the config file
 * (`--config`, else `ZOHO_TOKENS_CONFIG`). Empty values count as unset.
 */
export async function resolveSettings(
  flags: Partial<Record<SettingName, string | undefined>> & { config?: string | undefined },
  env: NodeJS.ProcessEnv,
): Promise<Settings> {
  const configPath = flags.config ?? (env[CONFIG_VARIABLE] || undefined);
  const fromFile = configPath ? await readConfigFile(configPath) : {};
  const resolved: Record<string, string> = {};
  for (const name of NAMES) {
    const value = flags[name] || env[ENVIRONMENT_VARIABLES[name]] || fromFile[name];
    if (value) resolved[name] = value;
  }
  return Object.freeze(resolved) as Settings;
}

/** A setting that must be given, or a usage error that says every way to give it. */
export function required(settings: Settings, name: SettingName, purpose: string): string {
  const value = settings[name];
  if (value) return value;
  throw usageError(
    `${purpose} needs ${FLAGS[name]}.`,
    `pass ${FLAGS[name]}, set ${ENVIRONMENT_VARIABLES[name]}, or put "${name}" in the config file (--config)`,
  );
}
