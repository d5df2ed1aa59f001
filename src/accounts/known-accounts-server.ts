import { ErrorCode } from '../errors/codes.js';
import { TokenStoreError } from '../errors/token-store-error.js';
import { allZohoEnvironments, type Environment } from './data-centers.js';

type AccountsServerOf = Pick<Environment, 'accountsUrl'>;

let zohoOrigins: ReadonlySet<string> | null = null;

/** The origin of a URL string or URL (`https://accounts.zoho.eu`), or null when it is not an absolute http(s) URL. */
function httpOriginOf(value: unknown): string | null {
  if (typeof value !== 'string' && !(value instanceof URL)) return null;
  const url = value instanceof URL ? value : URL.canParse(value) ? new URL(value) : null;
  return url !== null && (url.protocol === 'https:' || url.protocol === 'http:') ? url.origin : null;
}

/**
 * Whether an accounts server (the `accounts-server` of an authorize redirect) is one this library may send a grant
 * code and client credentials to: the accounts server of a Zoho data center, or of one of `environments` (the
 * ones a TokenManager was given: `environment` and `environments`). Compared by origin (scheme, host and port), so
 * `http://accounts.zoho.com`, `https://accounts.zoho.com.example` or another port of a known host are not known.
 * Anything that is not an http(s) URL is not known either.
 *
 * The redirect comes back through the user's browser, so anyone can forge it: `TokenManager.exchangeGrant` makes
 * this check itself before it sends anything; call it to refuse a forged callback before that.
 */
export function isKnownAccountsServer(server: string | URL, environments: readonly AccountsServerOf[] = []): boolean {
  const origin = httpOriginOf(server);
  if (origin === null) return false;
  zohoOrigins ??= new Set(allZohoEnvironments().map((environment) => new URL(environment.accountsUrl).origin));
  return zohoOrigins.has(origin) || environments.some((environment) => httpOriginOf(environment.accountsUrl) === origin);
}

/**
 * The known environment an accounts server belongs to, among `candidates` (the manager's, then Zoho's): the one
 * with the same accounts URL, else the first with the same origin. UNTRUSTED_ACCOUNTS_SERVER when none is, so a
 * forged `accounts-server` never receives a grant code or client credentials. The message names the origin only.
 */
export function knownAccountsEnvironment(server: string, candidates: readonly Environment[]): Environment {
  const origin = httpOriginOf(server);
  const wanted = server.replace(/\/$/, '');
  const known =
    origin === null
      ? undefined
      : (candidates.find((candidate) => candidate.accountsUrl === wanted) ??
        candidates.find((candidate) => httpOriginOf(candidate.accountsUrl) === origin));
  if (known !== undefined) return known;
  throw new TokenStoreError(
    ErrorCode.UNTRUSTED_ACCOUNTS_SERVER,
    `The accounts server ${origin ?? '(not an http(s) URL)'} is not a Zoho data center's nor one this TokenManager was given, so the grant code ` +
      'and the client credentials were not sent to it (an authorize redirect can be forged). If it is your own ' +
      'server, give it to the TokenManager: environments: [customEnvironment({ accountsUrl, apiDomain })] (or environment).',
  );
}
