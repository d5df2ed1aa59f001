import { customEnvironment, DATA_CENTER_CODES, isDataCenterCode, zohoEnvironment, type Environment } from '../../accounts/data-centers.js';
import type { OAuthClientConfig } from '../../lifecycle/token-manager-options.js';
import { usageError } from '../cli-error.js';
import type { Settings } from '../settings.js';

/** Where the CLI talks to Zoho: the environment a TokenManager gets, and the one authorization starts at. */
export interface CliEnvironment {
  /** The default environment (a token's api_domain may still name another Zoho data center). */
  readonly environment: Environment;
  /** Extra environments the manager may pick by api_domain (the custom server, when --accounts-url is given). */
  readonly environments: readonly Environment[];
  /** True when --accounts-url named a server of its own (the emulator, a proxy). */
  readonly custom: boolean;
}

/**
 * `--accounts-url` wins (any OAuth server with Zoho's endpoints, such as the emulator), else `--dc`, else Zoho US,
 * with each token's api_domain naming its own data center as the official SDKs do.
 */
export function cliEnvironment(settings: Settings, apiDomain: string | null = null): CliEnvironment {
  if (settings.accountsUrl) {
    const environment = customEnvironment({ accountsUrl: settings.accountsUrl, apiDomain: apiDomain ?? settings.accountsUrl });
    return { environment, environments: [environment], custom: true };
  }
  const dc = settings.dataCenter?.toLowerCase() ?? 'us';
  if (!isDataCenterCode(dc))
    throw usageError(`Unknown data center "${settings.dataCenter}".`, `use one of ${DATA_CENTER_CODES.join(', ')}`);
  return { environment: zohoEnvironment(dc), environments: [], custom: false };
}

/** Client credentials from the settings, for tokens that carry none. */
export function clientOf(settings: Settings): OAuthClientConfig | undefined {
  if (!settings.clientId || !settings.clientSecret) return undefined;
  return settings.redirectUri
    ? { clientId: settings.clientId, clientSecret: settings.clientSecret, redirectUri: settings.redirectUri }
    : { clientId: settings.clientId, clientSecret: settings.clientSecret };
}
