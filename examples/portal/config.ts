import { randomBytes } from 'node:crypto';
import { zohoEnvironment, type Clock, type Environment, type TokenStore } from 'zoho-token-store';
import type { GrantCodeLimit } from './sign-in-throttle.js';

/** Everything the portal needs; `zohoConfig` builds it for real Zoho, `demo.ts` for the emulator. */
export interface PortalConfig {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Registered in Zoho's API console, character for character: `<public URL>/oauth/callback`. */
  readonly redirectUri: string;
  /** Where sign-in starts: accounts.zoho.com serves every data center but CN and redirects to the student's. */
  readonly signInUrl: string;
  /** The default environment; each token's api_domain still names its own data center. */
  readonly environment: Environment;
  /** Servers other than Zoho's that may exchange a code (the emulator's data centers); Zoho's are always known. */
  readonly environments: readonly Environment[];
  readonly store: TokenStore;
  readonly scope: readonly string[];
  /** The CRM module listed, and the fields shown (Zoho's Records API needs `fields`). */
  readonly module: string;
  readonly fields: readonly string[];
  /** The clock of sessions, sign-ins, Zoho's windows and token expiry (the emulator's, in the demo). */
  readonly clock?: Clock;
  /** Zoho's grant codes per client per window (default 10 in 10 minutes; the demo takes the emulator's). */
  readonly grantCodeLimit?: GrantCodeLimit;
  /** Keys the pseudonyms of students in the log (32 bytes or more). */
  readonly logKey: Buffer;
  /** Where the log's JSON lines go; never a token, code, secret or raw user name. */
  readonly log: (line: string) => void;
}

export const CALLBACK_PATH = '/oauth/callback';

const list = (text: string | undefined, fallback: string): string[] =>
  (text ?? fallback)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** A log key from PORTAL_LOG_KEY (64 hex digits), else a random one: pseudonyms then change at each start. */
export function logKeyOf(hex: string | undefined): Buffer {
  if (hex === undefined || hex === '') return randomBytes(32);
  if (!/^[0-9a-fA-F]{64,}$/.test(hex))
    throw new Error('PORTAL_LOG_KEY must be 64 hex digits (32 bytes) or more; `openssl rand -hex 32` makes one.');
  return Buffer.from(hex, 'hex');
}

/** The configuration for real Zoho from environment variables (see examples/portal/README.md). */
export function zohoConfig(env: NodeJS.ProcessEnv, publicOrigin: string, store: TokenStore): PortalConfig {
  const need = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(`Set ${name} (see examples/portal/README.md).`);
    return value;
  };
  const redirectUri = env.ZOHO_REDIRECT_URI ?? `${publicOrigin}${CALLBACK_PATH}`;
  if (new URL(redirectUri).origin !== publicOrigin) {
    throw new Error(
      `ZOHO_REDIRECT_URI must be on the portal's public origin ${publicOrigin} (set PORTAL_PUBLIC_URL to the origin students use).`,
    );
  }
  return {
    clientId: need('ZOHO_CLIENT_ID'),
    clientSecret: need('ZOHO_CLIENT_SECRET'),
    redirectUri,
    signInUrl: env.ZOHO_ACCOUNTS_URL ?? 'https://accounts.zoho.com',
    environment: zohoEnvironment('us'),
    environments: [],
    store,
    scope: list(env.ZOHO_SCOPE, 'ZohoCRM.modules.ALL,ZohoCRM.users.READ'),
    module: env.PORTAL_MODULE ?? 'Contacts',
    fields: list(env.PORTAL_FIELDS, 'Full_Name,Email'),
    logKey: logKeyOf(env.PORTAL_LOG_KEY),
    log: (line) => console.log(line),
  };
}
