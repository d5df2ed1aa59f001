import type { IncomingMessage } from 'node:http';
import { readCookie } from './cookies.js';
import { describeDevice } from './device.js';
import type { Viewer } from './layout.js';
import type { PortalContext } from './portal-context.js';
import type { Session } from './sessions.js';

/** One request, as the routes see it: its URL (parsed safely) and its session, if it has a live one. */
export interface Visit {
  readonly request: IncomingMessage;
  readonly url: URL;
  /** The session cookie's value, whether or not a session has it. */
  readonly sessionId: string | null;
  readonly session: Session | null;
  /** The signed-in student the page is for, or null. */
  readonly viewer: Viewer | null;
  /** "Chrome on Android", for a session started by this request. */
  readonly device: string;
}

export function visitOf(context: PortalContext, request: IncomingMessage, url: URL): Visit {
  const sessionId = readCookie(request.headers.cookie, context.cookies.session);
  const session = context.sessions.find(sessionId, context.now());
  return {
    request,
    url,
    sessionId,
    session,
    viewer: session === null ? null : { user: session.user, csrfToken: session.csrfToken },
    device: describeDevice(request.headers['user-agent']),
  };
}
