import type { DataCenterCode } from '../../accounts/data-centers.js';
import { grantConsent } from './consent.js';
import { consentPage } from './consent-page.js';
import type { EmulatorContext } from './context.js';
import { isPkceMethod, type PkceChallenge } from './pkce-verification.js';
import { DROP, html, redirect, type EmulatorResponse } from './responses.js';
import { splitScope } from './token-endpoint.js';

/**
 * `/oauth/v2/auth`, the browser consent. A browser (a GET that accepts text/html) gets Zoho's consent page: pick one
 * of the emulated users, then Accept or Reject, which POSTs back here. Any other client (a test's `fetch`, a
 * script) is answered at once for the user named by the emulator-only `login_hint` (else the first user; one is
 * added if there is none). Any data center's listener serves users of every data center, the way accounts.zoho.com
 * does: the redirect's `location` and `accounts-server` say where the code lives.
 */
export function authorizeEndpoint(
  context: EmulatorContext,
  dataCenter: DataCenterCode,
  method: string,
  params: ReadonlyMap<string, string>,
  accept: string | undefined,
): EmulatorResponse {
  if (context.faults.takeDrop()) return DROP;
  const client = context.directory.client(params.get('client_id') ?? '');
  if (!client || client.selfClient) return html(400, 'Invalid Client', 'The client_id is not a registered web client.');
  const redirectUri = params.get('redirect_uri');
  // The registered URI, character for character; anything else is an error page, never a redirect.
  if (redirectUri !== client.client.redirectUri) {
    return html(400, 'Invalid Redirect Uri', 'Redirect URI passed does not match with the one configured');
  }
  const state = params.get('state');
  const back = (query: Record<string, string>) => redirect(withQuery(redirectUri, state === undefined ? query : { state, ...query }));

  if (params.get('response_type') !== 'code') return back({ error: 'unsupported_response_type' });
  const scope = splitScope(params.get('scope'));
  if (scope.length === 0) return back({ error: 'invalid_scope' });
  let pkce: PkceChallenge | null = null;
  const challenge = params.get('code_challenge');
  if (challenge !== undefined) {
    const pkceMethod = params.get('code_challenge_method') ?? 'plain';
    if (challenge === '' || !isPkceMethod(pkceMethod)) return back({ error: 'invalid_request' });
    pkce = { method: pkceMethod, challenge };
  }

  const hint = params.get('login_hint');
  if (method === 'GET' && /\btext\/html\b/i.test(accept ?? '')) {
    return consentPage({ params, scope, users: context.directory.allUsers(), chosen: hint ?? null });
  }
  if (method === 'POST' && params.get('decision') !== 'accept') return back({ error: 'access_denied' });

  const user =
    hint === undefined ? (context.directory.firstUser() ?? context.directory.addUser({ dataCenter })) : context.directory.userByEmail(hint);
  if (!user) return html(400, 'Unknown User', 'No emulated user has the email given in login_hint; add one with emulator.addUser().');

  const code = grantConsent(context, {
    client,
    user,
    scope,
    accessType: params.get('access_type') === 'offline' ? 'offline' : 'online',
    forceConsent: params.get('prompt') === 'consent',
    selfClient: false,
    pkce,
  });
  return back({ code, location: user.dataCenter, 'accounts-server': context.accountsUrl(user.dataCenter) });
}

/** The redirect URI with parameters appended (URLSearchParams encodes `accounts-server` as Zoho does). */
function withQuery(base: string, query: Record<string, string>): string {
  const url = new URL(base);
  for (const [name, value] of Object.entries(query)) url.searchParams.append(name, value);
  return url.toString();
}
