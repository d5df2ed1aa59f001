import { ErrorCode, isTokenStoreError } from 'zoho-token-store';
import type { Reply } from './http-reply.js';
import { problemPage, reauthorizePage, recordsPage } from './pages.js';
import type { PortalContext } from './portal-context.js';
import type { Visit } from './visit.js';

/** Records per page: a page reads comfortably on a phone. Zoho's Records API gives at most 200. */
export const RECORDS_PER_PAGE = 50;
/** Zoho serves `page` × `per_page` up to 2,000 records; further ones need its `page_token`, which this page does not follow. */
export const MAX_RECORDS_PAGE = 2_000 / RECORDS_PER_PAGE;

/** `GET /records?page=N`: one page of the student's CRM records, fetched with their own token (refreshed when due). */
export async function records(context: PortalContext, visit: Visit): Promise<Reply> {
  const { config, cookies, log, manager, sessions } = context;
  const { viewer } = visit;
  if (viewer === null) return signInFirst(context, visit);
  const pageText = visit.url.searchParams.get('page') ?? '1';
  const page = /^[1-9]\d{0,3}$/.test(pageText) ? Number(pageText) : 0;
  if (page < 1 || page > MAX_RECORDS_PAGE) {
    return { page: problemPage(400, 'No such page', `Pages of records are numbered 1 to ${MAX_RECORDS_PAGE}.`, viewer) };
  }
  const user = viewer.user;
  try {
    const query = new URLSearchParams({ fields: config.fields.join(','), page: String(page), per_page: String(RECORDS_PER_PAGE) });
    const response = await manager.fetch({ user }, `/crm/v8/${config.module}?${query}`);
    if (response.status === 204) {
      if (page === 1)
        return { page: recordsPage(viewer, config.module, config.fields, [], { number: 1, size: RECORDS_PER_PAGE, more: false }) };
      return { page: problemPage(404, 'No such page', `You have fewer records than page ${page} would show.`, viewer) };
    }
    if (!response.ok) throw new Error(`CRM answered HTTP ${response.status}`);
    const body = (await response.json()) as { data?: Record<string, unknown>[]; info?: { more_records?: boolean } };
    return {
      page: recordsPage(viewer, config.module, config.fields, body.data ?? [], {
        number: page,
        size: RECORDS_PER_PAGE,
        more: body.info?.more_records === true,
      }),
    };
  } catch (error) {
    const code = isTokenStoreError(error) ? error.code : 'CRM';
    if (code === ErrorCode.REAUTHORIZATION_REQUIRED || code === ErrorCode.TOKEN_NOT_FOUND) {
      // The portal has no access for this student any more: none of their sessions can show anything.
      const ended = sessions.endAllOf(user);
      log.event('access_ended', { user: log.user(user), code, sessions_ended: ended });
      const reply =
        code === ErrorCode.REAUTHORIZATION_REQUIRED
          ? reauthorizePage(user)
          : problemPage(
              401,
              'Please sign in',
              'The portal no longer holds access to your Zoho account (you signed out in another browser). Sign in to continue.',
            );
      return { page: reply, cookies: [cookies.clear(cookies.session)] };
    }
    log.event('records_failed', { user: log.user(user), code });
    return {
      page: problemPage(502, 'Zoho is not answering', 'Your records could not be loaded just now; please try again in a moment.', viewer),
    };
  }
}

/** A page that needs a session, asked for without one (never had one, expired, ended, or a forged cookie). */
export function signInFirst({ cookies }: PortalContext, visit: Visit): Reply {
  const page = problemPage(401, 'Please sign in', 'Your session is missing, has ended or has expired. Sign in to continue.');
  return visit.sessionId === null ? { page } : { page, cookies: [cookies.clear(cookies.session)] };
}
