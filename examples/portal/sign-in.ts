import type { IncomingMessage } from 'node:http';
import { allZohoEnvironments, authorizationUrl, createPkcePair, isTokenStoreError, parseAuthorizationRedirect, zohoEnvironment, type AuthorizationRedirect } from 'zoho-token-store';
import type { Reply } from './http-reply.js';
import { problemPage } from './pages.js';
import { newState } from './pending-sign-ins.js';
import type { PortalContext } from './portal-context.js';
import { clearCookie, cookie, readCookie, SIGN_IN_COOKIE } from './session.js';

const refused = (text: string): Reply => ({ page: problemPage(400, 'Sign-in refused', `${text} Nothing was saved; please sign in again.`), cookies: [clearCookie(SIGN_IN_COOKIE)] });

/** `GET /sign-in`: off to Zoho with a fresh state (also in a cookie, binding it to this browser) and a PKCE challenge. */
export function startSignIn({ config, pending }: PortalContext): Reply {
  const state = newState();
  const pkce = createPkcePair();
  pending.add(state, pkce.verifier);
  const url = authorizationUrl({
    accountsUrl: config.signInUrl,
    clientId: config.clientId,
    redirectUri: config.redirectUri,
    scope: config.scope,
    state,
    codeChallenge: pkce.challenge,
  });
  return { redirect: url.href, cookies: [cookie(SIGN_IN_COOKIE, state, 600)] };
}

/**
 * `GET /oauth/callback?state=…&code=…&location=…&accounts-server=…`: checks the state against this browser's
 * sign-in, exchanges the code at the accounts server of the student's data center, stores the token under the
 * student's Zoho email and signs the browser in.
 */
export async function finishSignIn(context: PortalContext, request: IncomingMessage, url: URL): Promise<Reply> {
  const { config, manager, pending, sessions } = context;
  if (url.searchParams.has('error')) return refused('Zoho did not grant access (the consent was rejected).');
  const state = url.searchParams.get('state');
  if (state === null || state !== readCookie(request.headers.cookie, SIGN_IN_COOKIE)) {
    return refused('This sign-in was not started in this browser (its state does not match).');
  }
  const verifier = pending.take(state);
  if (verifier === null) return refused('This sign-in link was already used or has expired.');
  let redirect: AuthorizationRedirect;
  try {
    redirect = parseAuthorizationRedirect(url);
  } catch {
    return refused('Zoho sent no authorization code.');
  }
  const accountsServer = trustedAccountsServer(redirect, context);
  if (accountsServer === null) return refused('The sign-in names an accounts server that is not Zoho\'s.');
  try {
    const token = await manager.exchangeGrant({
      code: redirect.code,
      accountsServer,
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      redirectUri: config.redirectUri,
      codeVerifier: verifier,
    });
    const user = token.userName ?? '';
    config.log(`signed in user=${user} data_center=${redirect.location ?? '-'}`);
    return { redirect: '/records', cookies: [sessions.signIn(user), clearCookie(SIGN_IN_COOKIE)] };
  } catch (error) {
    config.log(`sign-in failed code=${isTokenStoreError(error) ? error.code : 'UNKNOWN'}`);
    return refused('Zoho refused this sign-in (the code was already used, has expired, or does not belong to this sign-in).');
  }
}

/** The redirect's `accounts-server` (else its `location`'s), only if it is Zoho's or a configured server's. */
function trustedAccountsServer(redirect: AuthorizationRedirect, { config }: PortalContext): string | null {
  const named = redirect.accountsServer ?? (redirect.location ? zohoEnvironment(redirect.location).accountsUrl : config.environment.accountsUrl);
  const known = [config.environment, ...config.environments, ...allZohoEnvironments()].map((environment) => new URL(environment.accountsUrl).origin);
  try {
    const origin = new URL(named).origin;
    return known.includes(origin) ? origin : null;
  } catch {
    return null;
  }
}
