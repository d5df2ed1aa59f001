import { authorizationUrl, parseAuthorizationRedirect } from '../../accounts/authorization.js';
import { createPkcePair } from '../../accounts/pkce.js';
import { maskSecret } from '../../token/mask.js';
import type { OAuthToken } from '../../token/oauth-token.js';
import { cliEnvironment } from '../accounts/cli-environment.js';
import { openManager } from '../accounts/open-manager.js';
import { CliError, usageError } from '../cli-error.js';
import type { CommandContext } from '../command-context.js';
import { ExitCode } from '../exit-codes.js';
import { openBrowser } from '../login/open-browser.js';
import { newState } from '../login/state.js';
import { RedirectReceiver } from '../login/redirect-receiver.js';
import { required } from '../settings.js';
import { openStore } from '../stores/cli-open-store.js';
import { LazyTokenStore } from '../../kernel/lazy-token-store.js';
import { engineOfScheme } from '../../stores/engines.js';
import { parseStoreLocation } from '../../stores/location/store-location.js';
import type { BackendTokenStore } from '../../kernel/backend-token-store.js';
import type { RefreshLockScope } from '../../contract/refresh-lock.js';
import { relativeTime } from '../tokens/expiry-status.js';
import { printJson } from '../json-output.js';
import { visible } from '../visible-text.js';

export const DEFAULT_SCOPE = 'ZohoCRM.modules.ALL,ZohoCRM.users.READ';
export const DEFAULT_PORT = 8000;

export interface LoginOptions {
  /** A grant code from the API console's self-client tab: exchanged directly, no browser. */
  readonly code?: string;
  /** Open the authorization URL in the browser. */
  readonly open?: boolean;
  /** The local port the redirect comes back to (default 8000, or the redirect URI's port). */
  readonly port?: number;
  /** Store the token under this user name instead of the CRM user's email. */
  readonly user?: string;
  /** How long to wait for the browser's redirect, in seconds (default 300). */
  readonly timeoutSeconds?: number;
  /** Print the saved token as JSON (secrets masked); the authorization URL then goes to stderr. */
  readonly json?: boolean;
}

/**
 * `zoho-tokens login`: authorizes the app for a user and saves the token. Without --code it prints (and with --open
 * opens) Zoho's authorization URL with a state and a PKCE challenge, receives the redirect on a local port,
 * exchanges the code at the accounts server the redirect names, names the token by the CRM user's email, and saves
 * it. With --code it exchanges a self-client grant code directly.
 */
export async function login(options: LoginOptions, context: CommandContext): Promise<OAuthToken> {
  const { settings, terminal } = context;
  const location = required(settings, 'store', 'login');
  const clientId = required(settings, 'clientId', 'login');
  const clientSecret = required(settings, 'clientSecret', 'login');
  const { environment } = cliEnvironment(settings);
  if (options.code !== undefined && options.open) throw usageError('login takes --code or --open, not both.');

  const parsed = parseStoreLocation(location);
  // login adds a token: a store that does not exist yet is created, but only once there is a token to save. The
  // store opens on the manager's first use of it, which is the save after a successful exchange: a login that
  // fails before (a bad option, a refused code, a timeout) creates no file, table or database.
  const store = new LazyTokenStore(async () => {
    const opened = await openStore(parsed, { create: true });
    // The CLI's store is the library's BackendTokenStore, with the refresh lock and fenced saves.
    return opened.store as BackendTokenStore;
  }, lockScopeOf(parsed.scheme));
  try {
    const manager = openManager(store, settings);
    try {
      let token: OAuthToken;
      if (options.code !== undefined) {
        if (options.code.trim() === '') throw usageError('login --code needs the grant code from the API console.');
        token = await manager.exchangeGrant({
          code: options.code.trim(),
          accountsServer: environment.accountsUrl,
          clientId,
          clientSecret,
          redirectUri: settings.redirectUri ?? null,
          ...(options.user ? { userName: options.user } : {}),
        });
      } else {
        token = await browserLogin(options, context, clientId, clientSecret, environment.accountsUrl, manager);
      }
      if (options.json) {
        const expiresAt = token.expiresAt === null ? null : new Date(token.expiresAt).toISOString();
        printJson(terminal, {
          id: token.id,
          user: token.userName,
          store: parsed.display,
          apiDomain: token.apiDomain,
          refreshToken: maskSecret(token.refreshToken),
          expiresAt,
        });
        return token;
      }
      const expiry = token.expiresAt === null ? '' : `, access token expires ${relativeTime(token.expiresAt, context.now())}`;
      terminal.out(
        visible(
          `Saved token ${token.id} for ${token.userName ?? '(no user)'} in ${parsed.display} (api domain ${token.apiDomain ?? '-'}, refresh token ${maskSecret(token.refreshToken) ?? 'none'}${expiry}).`,
        ),
      );
      return token;
    } finally {
      await manager.close();
    }
  } finally {
    await store.close();
  }
}

/** What the opened store's refresh lock covers (the lazy store must say before it opens): as each engine documents. */
function lockScopeOf(scheme: string): RefreshLockScope {
  const engine = engineOfScheme(scheme)?.scheme;
  return engine === 'file' || engine === 'sqlite' ? 'host' : 'cluster';
}

async function browserLogin(
  options: LoginOptions,
  context: CommandContext,
  clientId: string,
  clientSecret: string,
  authorizeAt: string,
  manager: ReturnType<typeof openManager>,
): Promise<OAuthToken> {
  const { settings, terminal } = context;
  const redirectUri = new URL(settings.redirectUri ?? `http://127.0.0.1:${options.port ?? DEFAULT_PORT}/callback`);
  if (options.port !== undefined && settings.redirectUri) redirectUri.port = String(options.port);
  const state = newState();
  const pkce = createPkcePair();
  const url = authorizationUrl({
    accountsUrl: authorizeAt,
    clientId,
    redirectUri: redirectUri.href,
    scope: (settings.scope ?? DEFAULT_SCOPE).split(/[\s,]+/).filter(Boolean),
    state,
    codeChallenge: pkce.challenge,
  });
  const receiver = await RedirectReceiver.listen(redirectUri, state);
  try {
    terminal.note(`Open this URL in a browser and allow access (waiting for the redirect to ${redirectUri.href}):`);
    // On stdout it can be piped to a browser; with --json stdout holds only the result.
    if (options.json) terminal.note(url.href);
    else terminal.out(url.href);
    if (options.open && !(await openBrowser(url.href, terminal.env))) {
      terminal.note('Could not start a browser; open the URL above yourself.');
    }
    const received = await receiver.wait((options.timeoutSeconds ?? 300) * 1_000);
    if (received.searchParams.has('error')) {
      throw new CliError(
        ExitCode.FAILED,
        'Zoho did not authorize the app: access was denied in the browser.',
        'run login again and press Accept',
      );
    }
    const redirect = parseAuthorizationRedirect(received);
    // The manager sends nothing to an accounts server that is not Zoho's or --accounts-url (UNTRUSTED_ACCOUNTS_SERVER).
    return await manager.exchangeGrant({
      code: redirect.code,
      accountsServer: redirect.accountsServer ?? authorizeAt,
      clientId,
      clientSecret,
      redirectUri: redirectUri.href,
      codeVerifier: pkce.verifier,
      ...(options.user ? { userName: options.user } : {}),
    });
  } finally {
    await receiver.close();
  }
}
