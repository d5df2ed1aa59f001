import { escapeHtml, layout, notice, postForm, recordsLink, signInButton, type Page, type Viewer } from './layout.js';
import type { Session } from './sessions.js';

export type { Page, Viewer } from './layout.js';

export function homePage(): Page {
  return layout(200, 'Student portal', null, `<p>Sign in with your Zoho account to see your records.</p>${signInButton()}`);
}

/** One page of the student's records, with links to the pages before and after it. */
export function recordsPage(
  viewer: Viewer,
  module: string,
  fields: readonly string[],
  records: readonly Record<string, unknown>[],
  page: { number: number; size: number; more: boolean },
): Page {
  const labels = fields.map((field) => field.replaceAll('_', ' '));
  if (records.length === 0) return layout(200, `Your ${module}`, viewer, '<p>You have no records yet.</p>');
  const head = labels.map((label) => `<th scope="col">${escapeHtml(label)}</th>`).join('');
  const rows = records
    .map(
      (record) =>
        `<tr>${fields.map((field, i) => `<td data-label="${escapeHtml(labels[i])}">${escapeHtml(display(record[field]))}</td>`).join('')}</tr>`,
    )
    .join('\n');
  const first = (page.number - 1) * page.size + 1;
  const previous =
    page.number > 1
      ? `<a class="button small quiet" rel="prev" href="/records?page=${page.number - 1}">Previous page</a>`
      : '<span></span>';
  const next = page.more
    ? `<a class="button small quiet" rel="next" href="/records?page=${page.number + 1}">Next page</a>`
    : '<span></span>';
  const pager = `<nav class="pager" aria-label="Pages">${previous}<span>Page ${page.number} · records ${first}–${first + records.length - 1}</span>${next}</nav>`;
  return layout(200, `Your ${module}`, viewer, `<table><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>${pager}`);
}

/** The student's signed-in browsers; each but this one can be ended here. */
export function sessionsPage(viewer: Viewer, sessions: readonly Session[], current: Session, now: number): Page {
  const rows = sessions
    .map((session) => {
      const action =
        session === current
          ? '<td data-label="End">This browser</td>'
          : `<td data-label="End">${postForm(viewer, '/sessions/end', 'End', { session: session.handle }, true)}</td>`;
      return `<tr><td data-label="Browser">${escapeHtml(session.device)}</td><td data-label="Signed in">${ago(now - session.createdAt)}</td><td data-label="Last used">${ago(now - session.lastSeenAt)}</td>${action}</tr>`;
    })
    .join('\n');
  const table = `<table><thead><tr><th scope="col">Browser</th><th scope="col">Signed in</th><th scope="col">Last used</th><th scope="col">End</th></tr></thead><tbody>\n${rows}\n</tbody></table>`;
  const text =
    '<p>Where you are signed in to the portal. "End" signs that browser out; "Sign out" (above) signs you out everywhere and removes the portal\'s access to your Zoho account.</p>';
  return layout(200, 'Your sessions', viewer, `${text}${table}`);
}

export type SignOutResult = 'revoked' | 'already-revoked' | 'nothing-stored';

/** After sign-out: exactly what was revoked. */
export function signedOutPage(result: SignOutResult, sessionsEnded: number): Page {
  const access = {
    revoked: "Zoho has revoked the portal's access to your Zoho account, and the portal has deleted its copy.",
    'already-revoked': "Zoho had already ended the portal's access to your Zoho account; the portal has deleted its copy.",
    'nothing-stored': 'The portal held no access to your Zoho account any more, so there was nothing to revoke.',
  }[result];
  const sessions =
    sessionsEnded === 1 ? 'This browser is signed out.' : `You are signed out in all ${sessionsEnded} browsers where you were signed in.`;
  return layout(200, 'You are signed out', null, `${notice(`${sessions} ${access}`)}${signInButton('Sign in again with Zoho')}`);
}

/** A sign-out with no session behind it: the portal cannot tell whose access it would revoke, so it revokes nothing. */
export function notSignedInPage(): Page {
  return layout(
    401,
    'You were not signed in',
    null,
    notice(
      'This browser had no session with the portal any more (it had ended, or you had signed out elsewhere), so nothing was revoked: the portal cannot tell whose access to remove. To remove the portal\'s access to your Zoho account, sign in and then sign out, or remove "Zylker Academy" from the connected apps of your Zoho account.',
    ) + signInButton(),
  );
}

/** Zoho's grant-code limit is reached: when to try again, and the page tries by itself then. */
export function waitPage(waitMs: number, perWindow: number, viewer: Viewer | null): Page {
  const minutes = Math.max(1, Math.ceil(waitMs / 60_000));
  const seconds = Math.ceil(waitMs / 1_000);
  const when = minutes === 1 ? '1 minute' : `${minutes} minutes`;
  const text = `Too many sign-ins: Zoho allows this portal ${perWindow} sign-ins every 10 minutes, for all students together, and they have been used. Please try again in ${when}; this page will try again by itself then.`;
  return layout(429, 'Too many sign-ins', viewer, `${notice(text)}<p><a class="button" href="/sign-in">Try again</a></p>`, {
    headers: { 'retry-after': String(seconds) },
    head: `<meta http-equiv="refresh" content="${seconds}; url=/sign-in">`,
  });
}

export function reauthorizePage(user: string): Page {
  return layout(
    401,
    'Please sign in again',
    null,
    notice(
      `Zoho no longer accepts this portal's access for ${user} (access was revoked or has ended), so you are signed out everywhere. Sign in again to continue.`,
    ) + signInButton('Sign in again with Zoho'),
  );
}

/**
 * An error page. A signed-in student keeps their header (their name, their pages, "Sign out") and a way back to
 * their records; anyone else is offered to sign in.
 */
export function problemPage(
  status: number,
  title: string,
  text: string,
  viewer: Viewer | null = null,
  headers?: Record<string, string>,
): Page {
  return layout(status, title, viewer, `${notice(text)}${viewer === null ? signInButton() : recordsLink}`, headers ? { headers } : {});
}

/** A CRM field value as text: lookups (`{ name, id }`) by their name. */
function display(value: unknown): string {
  if (value !== null && typeof value === 'object' && 'name' in value) return String((value as { name: unknown }).name);
  return value === null || value === undefined ? '' : String(value);
}

function ago(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${minutes % 60} min ago`;
}
