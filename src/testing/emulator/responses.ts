/** What a handler answers; the listener writes it (or destroys the socket for `drop`). */
export type EmulatorResponse =
  | { readonly kind: 'reply'; readonly status: number; readonly headers: Readonly<Record<string, string>>; readonly body: string }
  | { readonly kind: 'drop' };

export function json(status: number, value: unknown): EmulatorResponse {
  return { kind: 'reply', status, headers: { 'content-type': 'application/json;charset=UTF-8' }, body: JSON.stringify(value) };
}

export function html(status: number, title: string, text: string): EmulatorResponse {
  const body = `<!DOCTYPE html><html><head><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`;
  return { kind: 'reply', status, headers: { 'content-type': 'text/html;charset=UTF-8' }, body };
}

export function redirect(location: string): EmulatorResponse {
  return { kind: 'reply', status: 302, headers: { location }, body: '' };
}

export const DROP: EmulatorResponse = Object.freeze({ kind: 'drop' });

/** Zoho's OAuth errors come with HTTP 200: `{"error":"invalid_code"}`. */
export function oauthError(error: string): EmulatorResponse {
  return json(200, { error });
}

/** Zoho's throttle answer, verbatim. */
export const THROTTLE_BODY = Object.freeze({
  error_description: 'You have made too many requests continuously. Please try again after some time.',
  error: 'Access Denied',
  status: 'failure',
});

export function throttled(): EmulatorResponse {
  return json(200, THROTTLE_BODY);
}

/** A CRM API error: `{"code","details","message","status":"error"}`. */
export function crmError(status: number, code: string, message: string): EmulatorResponse {
  return json(status, { code, details: {}, message, status: 'error' });
}

export const invalidToken = (): EmulatorResponse => crmError(401, 'INVALID_TOKEN', 'invalid oauth token');
export const authenticationFailure = (): EmulatorResponse => crmError(401, 'AUTHENTICATION_FAILURE', 'Authentication failed');
export const scopeMismatch = (): EmulatorResponse => crmError(401, 'OAUTH_SCOPE_MISMATCH', 'invalid oauth scope to access this URL');

/** An upstream failure page, as a load balancer in front of Zoho answers. */
export function serverError(status: number): EmulatorResponse {
  return html(status, `${status} Server Error`, 'The server encountered a temporary error. Please try again later.');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
