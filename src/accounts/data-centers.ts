import { parseHttpUrl } from '../config/http-url.js';
import { checkOptionNames } from '../config/option-shapes.js';
import { ErrorCode } from '../errors/codes.js';
import { TokenStoreError } from '../errors/token-store-error.js';
import { resolveServerSettings, type OAuthServerSettings } from './oauth-server.js';

/** Zoho's data centers, by the `location` code Zoho's authorize redirect reports. */
export const DATA_CENTER_CODES = ['us', 'eu', 'in', 'cn', 'au', 'jp', 'ca', 'sa', 'uk'] as const;
export type DataCenterCode = (typeof DATA_CENTER_CODES)[number];

export type EnvironmentKind = 'production' | 'sandbox' | 'developer';

/** Where to exchange and refresh tokens (`accountsUrl`) and where to call the APIs (`apiDomain`). */
export interface Environment extends OAuthServerSettings {
  /** A data center code, or `custom` for the emulator or any OAuth 2.0 server. */
  readonly dataCenter: DataCenterCode | 'custom';
  readonly kind: EnvironmentKind;
  readonly accountsUrl: string;
  readonly apiDomain: string;
}

interface DataCenterHosts {
  readonly accounts: string;
  /** The API domain's suffix: production is `www.<suffix>`, sandbox `sandbox.<suffix>`, developer `developer.<suffix>`. */
  readonly apiSuffix: string;
}

// From Zoho's documentation (see shared reference notes). UK's sandbox and developer hosts follow the same pattern;
// the official SDKs do not list them yet.
const HOSTS: Record<DataCenterCode, DataCenterHosts> = {
  us: { accounts: 'accounts.zoho.com', apiSuffix: 'zohoapis.com' },
  eu: { accounts: 'accounts.zoho.eu', apiSuffix: 'zohoapis.eu' },
  in: { accounts: 'accounts.zoho.in', apiSuffix: 'zohoapis.in' },
  cn: { accounts: 'accounts.zoho.com.cn', apiSuffix: 'zohoapis.com.cn' },
  au: { accounts: 'accounts.zoho.com.au', apiSuffix: 'zohoapis.com.au' },
  jp: { accounts: 'accounts.zoho.jp', apiSuffix: 'zohoapis.jp' },
  ca: { accounts: 'accounts.zohocloud.ca', apiSuffix: 'zohoapis.ca' },
  sa: { accounts: 'accounts.zoho.sa', apiSuffix: 'zohoapis.sa' },
  uk: { accounts: 'accounts.zoho.uk', apiSuffix: 'zohoapis.uk' },
};

const PREFIX: Record<EnvironmentKind, string> = { production: 'www', sandbox: 'sandbox', developer: 'developer' };
// Own keys only: `'toString' in PREFIX` is true.
const isEnvironmentKind = (kind: unknown): kind is EnvironmentKind => typeof kind === 'string' && Object.hasOwn(PREFIX, kind);

export function isDataCenterCode(value: unknown): value is DataCenterCode {
  return typeof value === 'string' && (DATA_CENTER_CODES as readonly string[]).includes(value);
}

/** The environment of a Zoho data center: `zohoEnvironment('eu', 'sandbox')`. */
export function zohoEnvironment(dataCenter: DataCenterCode, kind: EnvironmentKind = 'production'): Environment {
  if (!isDataCenterCode(dataCenter)) {
    throw new TokenStoreError(
      ErrorCode.INVALID_CONFIG,
      `Unknown data center; use one of ${DATA_CENTER_CODES.join(', ')}, or customEnvironment() for another server.`,
    );
  }
  if (!isEnvironmentKind(kind)) {
    throw new TokenStoreError(ErrorCode.INVALID_CONFIG, 'Environment kind must be production, sandbox or developer.');
  }
  const hosts = HOSTS[dataCenter];
  return Object.freeze({
    dataCenter,
    kind,
    accountsUrl: `https://${hosts.accounts}`,
    apiDomain: `https://${PREFIX[kind]}.${hosts.apiSuffix}`,
  });
}

/** Every Zoho environment: 9 data centers × production, sandbox, developer. */
export function allZohoEnvironments(): Environment[] {
  return DATA_CENTER_CODES.flatMap((code) => (Object.keys(PREFIX) as EnvironmentKind[]).map((kind) => zohoEnvironment(code, kind)));
}

const SERVER_SETTINGS = ['tokenEndpoint', 'revocationEndpoint', 'clientAuthentication', 'authorizationScheme', 'refreshTokenRotation'];
const CUSTOM_OPTIONS = ['accountsUrl', 'apiDomain', 'kind', ...SERVER_SETTINGS];
const ENVIRONMENT_FIELDS = ['dataCenter', 'kind', 'accountsUrl', 'apiDomain', ...SERVER_SETTINGS];
// Names other OAuth libraries and metadata documents give the same settings.
const ENVIRONMENT_ALIASES: Readonly<Record<string, string>> = {
  tokenUrl: 'tokenEndpoint',
  tokenPath: 'tokenEndpoint',
  revocationUrl: 'revocationEndpoint',
  revokeUrl: 'revocationEndpoint',
  revokeEndpoint: 'revocationEndpoint',
  accountsServer: 'accountsUrl',
  authUrl: 'accountsUrl',
  baseUrl: 'accountsUrl',
  apiUrl: 'apiDomain',
  apiBaseUrl: 'apiDomain',
  authentication: 'clientAuthentication',
  tokenEndpointAuthMethod: 'clientAuthentication',
  rotation: 'refreshTokenRotation',
  rotateRefreshTokens: 'refreshTokenRotation',
};

/**
 * Refuses (INVALID_CONFIG) a value that is not an Environment as `zohoEnvironment()`, `customEnvironment()` or
 * `discoverEnvironment()` make one: an object with only the Environment's fields, a data center code or `custom`, an
 * environment kind, http(s) URLs, and valid server settings. `what` names the option (`TokenManager option "environment"`).
 */
export function checkEnvironment(what: string, value: unknown): asserts value is Environment {
  const refuse = (message: string) => new TokenStoreError(ErrorCode.INVALID_CONFIG, `${what}: ${message}`);
  if (typeof value === 'string') {
    throw refuse(
      isDataCenterCode(value)
        ? `give an Environment, not a data center code: zohoEnvironment(${JSON.stringify(value)}).`
        : 'give an Environment from zohoEnvironment() or customEnvironment(), not a string.',
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw refuse('must be an Environment from zohoEnvironment() or customEnvironment().');
  }
  checkOptionNames(what, value, ENVIRONMENT_FIELDS, ENVIRONMENT_ALIASES);
  if (!('accountsUrl' in value) || !('apiDomain' in value)) {
    throw refuse('must be an Environment from zohoEnvironment() or customEnvironment({ accountsUrl, apiDomain }).');
  }
  const environment = value as Partial<Record<keyof Environment, unknown>>;
  if (environment.dataCenter !== 'custom' && !isDataCenterCode(environment.dataCenter)) {
    throw refuse(`dataCenter must be one of ${DATA_CENTER_CODES.join(', ')} or custom; use zohoEnvironment() or customEnvironment().`);
  }
  if (!isEnvironmentKind(environment.kind)) throw refuse('kind must be production, sandbox or developer.');
  parseHttpUrl(`${what} accountsUrl`, environment.accountsUrl);
  parseHttpUrl(`${what} apiDomain`, environment.apiDomain);
  try {
    resolveServerSettings(environment.accountsUrl as string, value as OAuthServerSettings);
  } catch (error) {
    throw error instanceof TokenStoreError ? refuse(error.message) : error;
  }
}

/**
 * An environment for another server: the emulator, or any OAuth 2.0 server. Without endpoint settings it has Zoho's
 * endpoints and header; `tokenEndpoint`, `revocationEndpoint`, `clientAuthentication` and `authorizationScheme` name
 * a standard server's (or use `discoverEnvironment`). See docs/lifecycle.md, "Standard OAuth 2.0 servers".
 */
export function customEnvironment(
  options: { accountsUrl: string; apiDomain: string; kind?: EnvironmentKind } & OAuthServerSettings,
): Environment {
  if (typeof options !== 'object' || options === null) {
    throw new TokenStoreError(ErrorCode.INVALID_CONFIG, 'customEnvironment needs { accountsUrl, apiDomain }.');
  }
  checkOptionNames('customEnvironment', options, CUSTOM_OPTIONS, ENVIRONMENT_ALIASES);
  if (options.kind !== undefined && !isEnvironmentKind(options.kind)) {
    throw new TokenStoreError(ErrorCode.INVALID_CONFIG, 'Environment kind must be production, sandbox or developer.');
  }
  const accounts = parseHttpUrl('accounts URL', options.accountsUrl);
  const api = parseHttpUrl('API domain', options.apiDomain);
  const accountsUrl = accounts.origin + accounts.pathname.replace(/\/$/, '');
  const standard = SERVER_SETTINGS.some((name) => name in options);
  return Object.freeze({
    dataCenter: 'custom',
    kind: options.kind ?? 'production',
    accountsUrl,
    apiDomain: api.origin + api.pathname.replace(/\/$/, ''),
    ...(standard ? resolveServerSettings(accountsUrl, options) : {}),
  });
}

/** The environment, among `candidates`, whose API domain is `apiDomain` (what a token's `api_domain` names), or null. */
export function environmentForApiDomain(apiDomain: string, candidates: readonly Environment[] = allZohoEnvironments()): Environment | null {
  const wanted = apiDomain.replace(/\/$/, '').toLowerCase();
  return candidates.find((candidate) => candidate.apiDomain.toLowerCase() === wanted) ?? null;
}
