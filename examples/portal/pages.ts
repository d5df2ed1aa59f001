/** Server-rendered pages. Every value that did not come from this file goes through `escape`. */
export interface Page {
  readonly status: number;
  readonly html: string;
}

export function escape(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#222}
header{display:flex;justify-content:space-between;align-items:center;border-bottom:2px solid #e42527;margin-bottom:1.5rem}
.button{display:inline-block;background:#e42527;color:#fff;border:0;border-radius:4px;padding:.6rem 1.1rem;font-size:1rem;text-decoration:none;cursor:pointer}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem;border-bottom:1px solid #ddd}
.notice{background:#fff4e5;border-left:4px solid #f0a030;padding:.8rem}`;

function layout(status: number, title: string, user: string | null, main: string): Page {
  const signOut = user === null ? '' : `<form method="post" action="/sign-out"><span>${escape(user)}</span> <button class="button" type="submit">Sign out</button></form>`;
  const html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)} · Zylker Academy</title><style>${STYLE}</style></head>
<body><header><h2>Zylker Academy</h2>${signOut}</header><main><h1>${escape(title)}</h1>${main}</main></body></html>`;
  return { status, html };
}

const signInButton = (label = 'Sign in with Zoho'): string => `<p><a class="button" href="/sign-in">${escape(label)}</a></p>`;

export function homePage(notice: string | null = null): Page {
  const text = notice === null ? '' : `<p class="notice">${escape(notice)}</p>`;
  return layout(200, 'Student portal', null, `${text}<p>Sign in with your Zoho account to see your records.</p>${signInButton()}`);
}

export function recordsPage(user: string, module: string, fields: readonly string[], records: readonly Record<string, unknown>[]): Page {
  const head = fields.map((field) => `<th>${escape(field.replaceAll('_', ' '))}</th>`).join('');
  const rows = records.map((record) => `<tr>${fields.map((field) => `<td>${escape(display(record[field]))}</td>`).join('')}</tr>`).join('\n');
  const body = records.length === 0 ? '<p>You have no records yet.</p>' : `<table><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>`;
  return layout(200, `Your ${module}`, user, body);
}

export function reauthorizePage(user: string): Page {
  return layout(
    401,
    'Please sign in again',
    null,
    `<p class="notice">Zoho no longer accepts this portal's access for ${escape(user)} (access was revoked or has ended). Sign in again to continue.</p>${signInButton('Sign in again with Zoho')}`,
  );
}

export function problemPage(status: number, title: string, text: string): Page {
  return layout(status, title, null, `<p class="notice">${escape(text)}</p>${signInButton()}`);
}

/** A CRM field value as text: lookups (`{ name, id }`) by their name. */
function display(value: unknown): string {
  if (value !== null && typeof value === 'object' && 'name' in value) return String((value as { name: unknown }).name);
  return value === null || value === undefined ? '' : String(value);
}
