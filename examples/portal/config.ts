import { randomBytes } from 'node:crypto';
import { zohoEnvironment, type Clock, type Environment, type TokenStore } from 'zoho-token-store';

/** Everything the portal needs; `zohoConfig` builds it for real Zoho, `demo.ts` for the emulator. */
export interface PortalConfig {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Registered in Zoho's API console, character for character: `<portal origin>/oauth/callback`. */
  readonly redirectUri: string;
  /** Where sign-in starts: accounts.zoho.com serves every data center but CN and redirects to the student's. */
  readonly signInUrl: string;
  /** The default environment; each token's api_domain still names its own data center. */
  readonly environment: Environment;
  /** Servers other than Zoho's that may exchange a code (the emulator's data centers); Zoho's are always known. */
  readonly environments: readonly Environment[];
  readonly store: TokenStore;
  /** Signs the session cookie (32 bytes or more). */
  readonly sessionKey: Buffer;
  readonly scope: readonly string[];
  /** The CRM module listed, and the fields shown (Zoho's Records API needs `fields`). */
  readonly module: string;
  readonly fields: readonly string[];
  /** The clock token expiry is read by (the emulator's, in the demo). */
  readonly clock?: Clock;
  /** One line per request and lifecycle event; never a token, code or secret. */
  readonly log: (line: string) => void;
}

export const CALLBACK_PATH = '/oauth/callback';

const list = (text: string | undefined, fallback: string): string[] => (text ?? fallback).split(',').map((s) => s.trim()).filter(Boolean);

/** The configuration for real Zoho from environment variables (see examples/portal/README.md). */
export function zohoConfig(env: NodeJS.ProcessEnv, origin: string, store: TokenStore): PortalConfig {
  const need = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(`Set ${name} (see examples/portal/README.md).`);
    return value;
  };
  return {
    clientId: need('ZOHO_CLIENT_ID'),
    clientSecret: need('ZOHO_CLIENT_SECRET'),
    redirectUri: env.ZOHO_REDIRECT_URI ?? `${origin}${CALLBACK_PATH}`,
    signInUrl: env.ZOHO_ACCOUNTS_URL ?? 'https://accounts.zoho.com',
    environment: zohoEnvironment('us'),
    environments: [],
    store,
    // Without a fixed key, sessions end when the portal restarts (the stored tokens stay).
    sessionKey: env.PORTAL_SESSION_KEY ? Buffer.from(env.PORTAL_SESSION_KEY, 'hex') : randomBytes(32),
    scope: list(env.ZOHO_SCOPE, 'ZohoCRM.modules.ALL,ZohoCRM.users.READ'),
    module: env.PORTAL_MODULE ?? 'Contacts',
    fields: list(env.PORTAL_FIELDS, 'Full_Name,Email'),
    log: (line) => console.log(line),
  };
}
