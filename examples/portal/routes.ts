import type { IncomingMessage } from 'node:http';
import { ErrorCode, isTokenStoreError } from 'zoho-token-store';
import { CALLBACK_PATH } from './config.js';
import type { Reply } from './http-reply.js';
import { homePage, problemPage, reauthorizePage, recordsPage } from './pages.js';
import type { PortalContext } from './portal-context.js';
import { clearCookie, SESSION_COOKIE } from './session.js';
import { finishSignIn, startSignIn } from './sign-in.js';

const signedOutReply = (text: string): Reply => ({ page: problemPage(401, 'Please sign in', text), cookies: [clearCookie(SESSION_COOKIE)] });

/** The portal's pages, by method and path. */
export async function route(context: PortalContext, request: IncomingMessage, url: URL): Promise<Reply> {
  const key = `${request.method ?? 'GET'} ${url.pathname}`;
  switch (key) {
    case 'GET /':
      if (context.sessions.userOf(request.headers.cookie) !== null) return { redirect: '/records' };
      return { page: homePage(url.searchParams.has('signed-out') ? 'You are signed out, and the portal no longer has access to your Zoho account.' : null) };
    case 'GET /sign-in':
      return startSignIn(context);
    case `GET ${CALLBACK_PATH}`:
      return finishSignIn(context, request, url);
    case 'GET /records':
      return records(context, request);
    case 'POST /sign-out':
      return signOut(context, request);
    default:
      return { page: problemPage(404, 'Not found', 'There is no such page.') };
  }
}

/** The student's CRM records, fetched with their own token (refreshed by the manager when it is due). */
async function records({ config, manager, sessions }: PortalContext, request: IncomingMessage): Promise<Reply> {
  const user = sessions.userOf(request.headers.cookie);
  if (user === null) return signedOutReply('Your session is missing, has expired or is not valid.');
  try {
    const response = await manager.fetch({ user }, `/crm/v8/${config.module}?fields=${config.fields.join(',')}`);
    if (response.status === 204) return { page: recordsPage(user, config.module, config.fields, []) };
    if (!response.ok) throw new Error(`CRM answered HTTP ${response.status}`);
    const body = (await response.json()) as { data?: Record<string, unknown>[] };
    return { page: recordsPage(user, config.module, config.fields, body.data ?? []) };
  } catch (error) {
    if (isTokenStoreError(error) && error.code === ErrorCode.REAUTHORIZATION_REQUIRED) {
      return { page: reauthorizePage(user), cookies: [clearCookie(SESSION_COOKIE)] };
    }
    if (isTokenStoreError(error) && error.code === ErrorCode.TOKEN_NOT_FOUND) return signedOutReply('You have signed out of the portal.');
    config.log(`records failed code=${isTokenStoreError(error) ? error.code : 'CRM'}`);
    return { page: problemPage(502, 'Zoho is not answering', 'Your records could not be loaded just now; please try again in a moment.') };
  }
}

/** Revokes the student's refresh token at Zoho, deletes it from the store, and ends the session. */
async function signOut({ config, manager, sessions }: PortalContext, request: IncomingMessage): Promise<Reply> {
  const user = sessions.userOf(request.headers.cookie);
  if (user !== null) {
    try {
      await manager.revoke({ user });
      config.log(`signed out user=${user}`);
    } catch (error) {
      if (!isTokenStoreError(error) || error.code !== ErrorCode.TOKEN_NOT_FOUND) {
        config.log(`sign-out failed code=${isTokenStoreError(error) ? error.code : 'UNKNOWN'}`);
        return { page: problemPage(502, 'Sign-out did not finish', 'Zoho could not be reached to revoke the access; your access is still stored. Please try again.') };
      }
    }
  }
  return { redirect: '/?signed-out', cookies: [clearCookie(SESSION_COOKIE)] };
}
