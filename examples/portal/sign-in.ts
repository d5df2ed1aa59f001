import {
  authorizationUrl,
  createPkcePair,
  ErrorCode,
  isAccountsError,
  isKnownAccountsServer,
  isTokenStoreError,
  parseAuthorizationRedirect,
  zohoEnvironment,
  type AuthorizationRedirect,
  type OAuthToken,
} from 'zoho-token-store';
import { readCookie } from './cookies.js';
import type { Reply } from './http-reply.js';
import type { Viewer } from './layout.js';
import { problemPage, waitPage } from './pages.js';
import { newNonce, SIGN_IN_TTL_MS } from './pending-sign-ins.js';
import type { PortalContext } from './portal-context.js';
import { revokeReplaced } from './revoke-replaced.js';
import { DEFAULT_SESSION_LIMITS } from './sessions.js';
import type { Visit } from './visit.js';

const BROWSER_NONCE = /^[A-Za-z0-9_-]{22}$/;

/** A refused sign-in; a browser that is still signed in (as anyone) keeps its header and its way back. */
const refused = (text: string, viewer: Viewer | null): Reply => ({
  page: problemPage(400, 'Sign-in refused', `${text} Nothing was saved${viewer === null ? '; please sign in again' : ''}.`, viewer),
});

/**
 * `GET /sign-in`: off to Zoho with a fresh state and PKCE challenge. The sign-in cookie holds a nonce of this
 * browser (kept across sign-ins, so a second tab's sign-in does not undo the first's); the pending sign-in records
 * it, and the callback must bring it back. While Zoho's grant-code limit is reached, a wait page instead.
 */
export function startSignIn(context: PortalContext, visit: Visit): Reply {
  const { config, cookies, pending, throttle } = context;
  if (visit.viewer !== null) return { redirect: '/records' };
  const now = context.now();
  const wait = throttle.waitMs(now);
  if (wait > 0) return { page: waitPage(wait, throttle.perWindow, null) };
  const existing = readCookie(visit.request.headers.cookie, cookies.signIn);
  const browser = existing !== null && BROWSER_NONCE.test(existing) ? existing : newNonce();
  const state = newNonce();
  const pkce = createPkcePair();
  pending.add(state, pkce.verifier, browser, now);
  const url = authorizationUrl({
    accountsUrl: config.signInUrl,
    clientId: config.clientId,
    redirectUri: config.redirectUri,
    scope: config.scope,
    state,
    codeChallenge: pkce.challenge,
  });
  return { redirect: url.href, cookies: [cookies.set(cookies.signIn, browser, SIGN_IN_TTL_MS / 1_000)] };
}

/**
 * `GET /oauth/callback?state=…&code=…&location=…&accounts-server=…`: takes the pending sign-in of the state (once,
 * whatever happens next), checks it was started in this browser, exchanges the code at the accounts server of the
 * student's data center, revokes the refresh token this sign-in replaced, and starts a session.
 */
export async function finishSignIn(context: PortalContext, visit: Visit): Promise<Reply> {
  const { config, cookies, log, manager, pending, replaced, throttle } = context;
  const { url } = visit;
  const now = context.now();
  const state = url.searchParams.get('state');
  const started = state === null ? null : pending.take(state, now);
  if (url.searchParams.has('error')) return refused('Zoho did not grant access (the consent was rejected).', visit.viewer);
  if (started === null)
    return refused('This sign-in has expired or was already used (a sign-in must be finished within 10 minutes).', visit.viewer);
  if (readCookie(visit.request.headers.cookie, cookies.signIn) !== started.browser) {
    return refused("This sign-in was started in another browser, or this browser did not keep the portal's cookie.", visit.viewer);
  }
  let redirect: AuthorizationRedirect;
  try {
    redirect = parseAuthorizationRedirect(url);
  } catch {
    return refused('Zoho sent no authorization code.', visit.viewer);
  }
  throttle.codeSeen(now);
  const accountsServer = trustedAccountsServer(redirect, context);
  if (accountsServer === null) return refused("The sign-in names an accounts server that is not Zoho's.", visit.viewer);
  let token: OAuthToken;
  let previous: OAuthToken[];
  try {
    ({ result: token, replaced: previous } = await replaced.capture(() =>
      manager.exchangeGrant({
        code: redirect.code,
        accountsServer,
        clientId: config.clientId,
        clientSecret: config.clientSecret,
        redirectUri: config.redirectUri,
        codeVerifier: started.verifier,
      }),
    ));
  } catch (error) {
    return exchangeFailed(context, error, visit.viewer);
  }
  await revokeReplaced(context, previous);
  const user = token.userName ?? '';
  if (visit.sessionId !== null) context.sessions.end(visit.sessionId); // this browser's earlier session, if any
  const { id } = context.sessions.create(user, visit.device, context.now());
  log.event('signed_in', { user: log.user(user), data_center: redirect.location, replaced: previous.length });
  return { redirect: '/records', cookies: [cookies.set(cookies.session, id, DEFAULT_SESSION_LIMITS.maxAgeMs / 1_000)] };
}

/** What the student is told when Zoho did not exchange the code. */
function exchangeFailed({ log, throttle, now }: PortalContext, error: unknown, viewer: Viewer | null): Reply {
  const code = isTokenStoreError(error) ? error.code : 'UNKNOWN';
  if (code === ErrorCode.THROTTLED) {
    const wait = throttle.throttled(now(), isAccountsError(error) ? error.retryAfterMs : null);
    log.event('sign_in_failed', { code, wait_ms: wait });
    return { page: waitPage(wait, throttle.perWindow, viewer) };
  }
  log.event('sign_in_failed', { code });
  switch (code) {
    case ErrorCode.ACCOUNTS_UNAVAILABLE:
      return {
        page: problemPage(
          503,
          'Zoho is not answering',
          "Zoho's sign-in service could not be reached, so this sign-in could not finish; nothing was saved. Please try again in a few minutes.",
          viewer,
          { 'retry-after': '60' },
        ),
      };
    case ErrorCode.REAUTHORIZATION_REQUIRED:
      return refused("Zoho refused this sign-in's code (it was already used, or it expired: codes last a couple of minutes).", viewer);
    default:
      return {
        page: problemPage(
          500,
          'Sign-in is not working',
          'The portal could not complete the sign-in with Zoho (its Zoho settings may be wrong). Whoever runs the portal can see why in its log.',
          viewer,
        ),
      };
  }
}

/**
 * The redirect's `accounts-server` (else its `location`'s), only if the library knows it: Zoho's, or a configured
 * server's (the manager refuses any other itself; checking first lets the page say so before anything is sent).
 */
function trustedAccountsServer(redirect: AuthorizationRedirect, { config }: PortalContext): string | null {
  const named =
    redirect.accountsServer ?? (redirect.location ? zohoEnvironment(redirect.location).accountsUrl : config.environment.accountsUrl);
  return isKnownAccountsServer(named, [config.environment, ...config.environments]) ? new URL(named).origin : null;
}
