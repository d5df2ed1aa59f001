import { ErrorCode, isTokenStoreError } from 'zoho-token-store';
import type { Reply } from './http-reply.js';
import { notSignedInPage, problemPage, sessionsPage, signedOutPage, type SignOutResult } from './pages.js';
import type { PortalContext } from './portal-context.js';
import { signInFirst } from './records-route.js';
import { csrfMatches, type Session } from './sessions.js';
import type { Visit } from './visit.js';

/** A form of a session that is not this session's (no token, an old one, another's): nothing is changed. */
function forgedForm(visit: Visit): Reply {
  return {
    page: problemPage(
      403,
      'Request refused',
      "This form was not sent from the portal's own page (or the page was too old); nothing was changed. Please try again from the portal.",
      visit.viewer,
    ),
  };
}

/** The session of a POST whose form carries its CSRF token, or the reply that refuses it (nothing changed). */
function postingSession(visit: Visit & { session: Session }, form: URLSearchParams): Session | Reply {
  return csrfMatches(visit.session, form.get('csrf')) ? visit.session : forgedForm(visit);
}

const hasSession = (visit: Visit): visit is Visit & { session: Session } => visit.session !== null;

const isSession = (value: Session | Reply): value is Session => 'csrfToken' in value;

/**
 * `POST /sign-out`: revokes the student's refresh token at Zoho, deletes it from the store, ends every session of
 * theirs, and says which of these happened. Without a session it revokes nothing: it cannot prove whose access it
 * would be. If Zoho cannot be reached, nothing is ended and the page says the access is still there.
 */
export async function signOut(context: PortalContext, visit: Visit, form: URLSearchParams): Promise<Reply> {
  const { cookies, log, manager, sessions } = context;
  if (!hasSession(visit)) {
    // Nothing proves whose access this would be: revoke nothing, and say so.
    log.event('sign_out_without_session', {});
    return { page: notSignedInPage(), cookies: visit.sessionId === null ? [] : [cookies.clear(cookies.session)] };
  }
  const session = postingSession(visit, form);
  if (!isSession(session)) return session;
  const user = session.user;
  let remote = null as boolean | null; // set by the manager's `revoked` event
  const stop = manager.on('revoked', (event) => {
    if (event.userName === user) remote = event.remote;
  });
  let result: SignOutResult;
  try {
    await manager.revoke({ user });
    result = remote === false ? 'already-revoked' : 'revoked';
  } catch (error) {
    const code = isTokenStoreError(error) ? error.code : 'UNKNOWN';
    if (code !== ErrorCode.TOKEN_NOT_FOUND) {
      log.event('sign_out_failed', { user: log.user(user), code });
      const text =
        "Zoho could not be reached to revoke the portal's access, so nothing changed: you are still signed in, and the portal still holds its access to your Zoho account. Please try again in a moment.";
      return { page: problemPage(503, 'Sign-out did not finish', text, visit.viewer, { 'retry-after': '30' }) };
    }
    result = 'nothing-stored';
  } finally {
    stop();
  }
  const ended = sessions.endAllOf(user);
  log.event('signed_out', { user: log.user(user), result, sessions_ended: ended });
  return { page: signedOutPage(result, ended), cookies: [cookies.clear(cookies.session)] };
}

/** `GET /sessions`: where the student is signed in. */
export function listSessions(context: PortalContext, visit: Visit): Reply {
  if (visit.session === null || visit.viewer === null) return signInFirst(context, visit);
  const now = context.now();
  return { page: sessionsPage(visit.viewer, context.sessions.ofUser(visit.session.user, now), visit.session, now) };
}

/** `POST /sessions/end` (`session=<handle>`): ends another session of the same student. */
export function endSession(context: PortalContext, visit: Visit, form: URLSearchParams): Reply {
  if (!hasSession(visit)) return signInFirst(context, visit);
  const session = postingSession(visit, form);
  if (!isSession(session)) return session;
  const handle = form.get('session') ?? '';
  if (handle === session.handle)
    return { page: problemPage(400, 'That is this browser', 'To end the session of this browser, sign out.', visit.viewer) };
  if (!context.sessions.endByHandle(session.user, handle)) {
    return { page: problemPage(404, 'No such session', 'That session has ended already.', visit.viewer) };
  }
  context.log.event('session_ended', { user: context.log.user(session.user) });
  return { redirect: '/sessions' };
}
