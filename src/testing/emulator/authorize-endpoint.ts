import type { DataCenterCode } from '../../accounts/data-centers.js';
import { grantConsent } from './consent.js';
import type { EmulatorContext } from './context.js';
import { isPkceMethod, type PkceChallenge } from './pkce.js';
import { DROP, html, redirect, type EmulatorResponse } from './responses.js';
import { splitScope } from './token-endpoint.js';

/**
 * `GET /oauth/v2/auth`: the browser consent, answered at once for the user named by the emulator-only `login_hint`
 * (else the first user; one is added if there is none). Any data center's listener serves users of every data
 * center, the way accounts.zoho.com does: the redirect's `location` and `accounts-server` say where the code lives.
 */
export function authorizeEndpoint(context: EmulatorContext, dataCenter: DataCenterCode, url: URL): EmulatorResponse {
  if (context.faults.takeDrop()) return DROP;
  const params = url.searchParams;
  const client = context.directory.client(params.get('client_id') ?? '');
  if (!client || client.selfClient) return html(400, 'Invalid Client', 'The client_id is not a registered web client.');
  const redirectUri = params.get('redirect_uri');
  // The registered URI, character for character; anything else is an error page, never a redirect.
  if (redirectUri !== client.client.redirectUri) {
    return html(400, 'Invalid Redirect Uri', 'Redirect URI passed does not match with the one configured');
  }
  const state = params.get('state');
  const back = (query: Record<string, string>) => redirect(withQuery(redirectUri, state === null ? query : { state, ...query }));

  if (params.get('response_type') !== 'code') return back({ error: 'unsupported_response_type' });
  const scope = splitScope(params.get('scope') ?? undefined);
  if (scope.length === 0) return back({ error: 'invalid_scope' });
  let pkce: PkceChallenge | null = null;
  const challenge = params.get('code_challenge');
  if (challenge !== null) {
    const method = params.get('code_challenge_method') ?? 'plain';
    if (challenge === '' || !isPkceMethod(method)) return back({ error: 'invalid_request' });
    pkce = { method, challenge };
  }

  const hint = params.get('login_hint');
  const user = hint === null ? (context.directory.firstUser() ?? context.directory.addUser({ dataCenter })) : context.directory.userByEmail(hint);
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
