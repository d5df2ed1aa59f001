import { CALLBACK_PATH } from './config.js';
import { isRefusal, readForm, refuseForeignPost } from './form-post.js';
import type { Reply } from './http-reply.js';
import { homePage, problemPage } from './pages.js';
import type { PortalContext } from './portal-context.js';
import { endSession, listSessions, signOut } from './account-routes.js';
import { records } from './records-route.js';
import { finishSignIn, startSignIn } from './sign-in.js';
import type { Visit } from './visit.js';

type GetHandler = (context: PortalContext, visit: Visit) => Reply | Promise<Reply>;
type PostHandler = (context: PortalContext, visit: Visit, form: URLSearchParams) => Reply | Promise<Reply>;

interface Route {
  readonly GET?: GetHandler;
  readonly POST?: PostHandler;
}

const home: GetHandler = (_context, visit) => (visit.viewer !== null ? { redirect: '/records' } : { page: homePage() });

/** Every page, by path. GETs change nothing the student owns; every POST is a form of a session, checked for CSRF. */
const ROUTES: ReadonlyMap<string, Route> = new Map<string, Route>([
  ['/', { GET: home }],
  ['/sign-in', { GET: startSignIn }],
  [CALLBACK_PATH, { GET: finishSignIn }],
  ['/records', { GET: records }],
  ['/sessions', { GET: listSessions }],
  ['/sessions/end', { POST: endSession }],
  ['/sign-out', { POST: signOut }],
]);

/** The route's name for the log: its path when it is one of the portal's, never what the client sent. */
export const routeName = (path: string): string => (ROUTES.has(path) ? path : '(other)');

/** Answers one request. */
export async function route(context: PortalContext, visit: Visit): Promise<Reply> {
  const { request, url, viewer } = visit;
  const found = ROUTES.get(url.pathname);
  if (found === undefined) return { page: problemPage(404, 'Not found', 'There is no such page.', viewer) };
  // HEAD only where a GET changes nothing at all (a health check on the home page).
  const method = request.method === 'HEAD' && url.pathname === '/' ? 'GET' : request.method;
  if (method === 'GET' && found.GET) return found.GET(context, visit);
  if (method === 'POST' && found.POST) {
    const foreign = refuseForeignPost(request, context.publicOrigin);
    if (foreign !== null) {
      context.log.event('post_refused', { route: url.pathname, reason: foreign.reason });
      return {
        page: problemPage(
          403,
          'Request refused',
          "This request did not come from the portal's own pages, so it was refused; nothing was changed.",
          viewer,
        ),
      };
    }
    const form = await readForm(request);
    if (isRefusal(form))
      return {
        page: problemPage(
          form.status,
          'Request refused',
          "The portal's forms send a short urlencoded form; this was something else, so nothing was changed.",
          viewer,
          { connection: 'close' },
        ),
      };
    return found.POST(context, visit, form);
  }
  const allow = [found.GET ? 'GET' : '', url.pathname === '/' ? 'HEAD' : '', found.POST ? 'POST' : ''].filter(Boolean).join(', ');
  return { page: problemPage(405, 'Not allowed', 'This page cannot be used that way.', viewer, { allow }) };
}
