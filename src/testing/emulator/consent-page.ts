import type { EmulatorUser } from './directory.js';
import { escapeHtml, type EmulatorResponse } from './responses.js';

export interface ConsentPageInput {
  /** The authorize request's parameters, posted back unchanged with the decision. */
  readonly params: ReadonlyMap<string, string>;
  readonly scope: readonly string[];
  readonly users: readonly Readonly<EmulatorUser>[];
  /** The email to preselect (`login_hint`), else the first user. */
  readonly chosen: string | null;
}

/**
 * Zoho's consent screen, emulated: "signing in" is choosing one of the emulated users (there are no passwords),
 * then Accept or Reject, which POSTs the request back to `/oauth/v2/auth` with `decision`.
 */
export function consentPage({ params, scope, users, chosen }: ConsentPageInput): EmulatorResponse {
  const e = escapeHtml;
  const hidden = [...params]
    .filter(([name]) => name !== 'login_hint' && name !== 'decision')
    .map(([name, value]) => `<input type="hidden" name="${e(name)}" value="${e(value)}">`);
  const preselected = users.find((user) => user.email.toLowerCase() === chosen?.toLowerCase()) ?? users[0];
  const choices = users.map(
    (user) =>
      `<label><input type="radio" name="login_hint" value="${e(user.email)}"${user === preselected ? ' checked' : ''}> ${e(user.fullName)} &lt;${e(user.email)}&gt; (${e(user.dataCenter)})</label><br>`,
  );
  const body = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Zoho Accounts (emulator): consent</title></head><body>
<h1>Allow access to your Zoho account?</h1>
<p>The application asks for: ${scope.map((name) => `<code>${e(name)}</code>`).join(', ')}</p>
<form method="post" action="/oauth/v2/auth">
${hidden.join('\n')}
<fieldset><legend>Sign in as</legend>${choices.length > 0 ? choices.join('\n') : '<p>No user yet: accepting adds one.</p>'}</fieldset>
<button type="submit" name="decision" value="accept">Accept</button>
<button type="submit" name="decision" value="reject">Reject</button>
</form></body></html>`;
  return { kind: 'reply', status: 200, headers: { 'content-type': 'text/html;charset=UTF-8' }, body };
}
