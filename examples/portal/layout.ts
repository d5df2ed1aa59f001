/** A server-rendered page: its status, its HTML, and any header it needs (Retry-After). */
export interface Page {
  readonly status: number;
  readonly html: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Who the page is for: a signed-in student (the header then shows them, their pages and "Sign out"), or nobody. */
export interface Viewer {
  readonly user: string;
  /** The session's CSRF token: every form of the page carries it. */
  readonly csrfToken: string;
}

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// One column that wraps on a phone: no fixed widths, long words (emails) break, the table turns into cards.
const STYLE = `*,*::before,*::after{box-sizing:border-box}
body{font-family:system-ui,sans-serif;margin:0;color:#222;line-height:1.45}
header{border-bottom:3px solid #e42527}
.bar,main{max-width:56rem;margin:0 auto;padding:.6rem 1rem}
.bar{display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;align-items:center;justify-content:space-between}
.brand{font-weight:700;font-size:1.3rem;color:#222;text-decoration:none}
nav{display:flex;flex-wrap:wrap;gap:.4rem 1rem;align-items:center}
nav a{color:#b3001b}
.who{color:#555;overflow-wrap:anywhere}
h1{font-size:1.6rem;margin:.6rem 0 1rem}
.button{display:inline-block;background:#e42527;color:#fff;border:1px solid #e42527;border-radius:4px;padding:.6rem 1.1rem;font:inherit;text-decoration:none;cursor:pointer}
.button.small{padding:.3rem .8rem}
.button.quiet{background:#fff;color:#b3001b;border-color:#b3001b}
form{margin:0}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.45rem;border-bottom:1px solid #ddd;overflow-wrap:anywhere}
.notice{background:#fff4e5;border-left:4px solid #f0a030;padding:.8rem}
.pager{display:flex;flex-wrap:wrap;gap:.6rem 1rem;align-items:center;justify-content:space-between;margin:1rem 0}
@media (max-width:36rem){thead{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}
table,tbody,tr,td{display:block;width:100%}tr{border-bottom:1px solid #ddd;padding:.4rem 0}td{border:0;padding:.1rem 0}
td::before{content:attr(data-label) ": ";font-weight:600;color:#555}}`;

/** A POST form of the signed-in student's session: the CSRF token goes with it. */
export function postForm(
  viewer: Viewer,
  action: string,
  label: string,
  fields: Readonly<Record<string, string>> = {},
  quiet = false,
): string {
  const hidden = Object.entries({ ...fields, csrf: viewer.csrfToken })
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  return `<form method="post" action="${escapeHtml(action)}">${hidden}<button class="button small${quiet ? ' quiet' : ''}" type="submit">${escapeHtml(label)}</button></form>`;
}

function header(viewer: Viewer | null): string {
  const brand = `<a class="brand" href="/">Zylker Academy</a>`;
  if (viewer === null) return `<header><div class="bar">${brand}</div></header>`;
  const nav = `<nav aria-label="Your pages"><a href="/records">Records</a><a href="/sessions">Sessions</a><span class="who">Signed in as ${escapeHtml(viewer.user)}</span>${postForm(viewer, '/sign-out', 'Sign out', {}, true)}</nav>`;
  return `<header><div class="bar">${brand}${nav}</div></header>`;
}

/** The page around `main`: every value that did not come from this folder's own text goes through `escapeHtml`. */
export function layout(
  status: number,
  title: string,
  viewer: Viewer | null,
  main: string,
  extra: { headers?: Record<string, string>; head?: string } = {},
): Page {
  const html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Zylker Academy</title><style>${STYLE}</style>${extra.head ?? ''}</head>
<body>${header(viewer)}<main><h1>${escapeHtml(title)}</h1>${main}</main></body></html>`;
  return extra.headers ? { status, html, headers: extra.headers } : { status, html };
}

export const notice = (text: string): string => `<p class="notice">${escapeHtml(text)}</p>`;

export const signInButton = (label = 'Sign in with Zoho'): string => `<p><a class="button" href="/sign-in">${escapeHtml(label)}</a></p>`;

export const recordsLink = '<p><a class="button" href="/records">Back to your records</a></p>';
