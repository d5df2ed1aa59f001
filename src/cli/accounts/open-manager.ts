import { TokenManager } from '../../lifecycle/token-manager.js';
import type { Settings } from '../settings.js';
import type { CliTokenStore } from '../stores/opened-store.js';
import { cliEnvironment, clientOf } from './cli-environment.js';

/** A TokenManager on an opened store (which it never closes), talking to the accounts server the settings name. */
export function openManager(store: CliTokenStore, settings: Settings, apiDomain: string | null = null): TokenManager {
  const { environment, environments } = cliEnvironment(settings, apiDomain);
  const client = clientOf(settings);
  return new TokenManager({ store, environment, environments, ...(client ? { client } : {}) });
}
