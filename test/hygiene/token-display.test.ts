// Every way a program displays a token masks its secrets; the values are reached only by asking for them by name
// (a field, `toRecord()`, the official-row helpers).
import assert from 'node:assert/strict';
import { format, inspect } from 'node:util';
import { test } from 'node:test';
import { OAuthToken } from 'zoho-token-store';
import { zohoLikeToken } from 'zoho-token-store/testing';
import { LeakCheck } from './_leak-check.js';

test('String, template literals, util.inspect (deep, hidden), util.format, console-style and JSON output mask every secret', () => {
  const secrets = {
    clientSecret: zohoLikeToken(),
    refreshToken: zohoLikeToken(),
    accessToken: zohoLikeToken(),
    grantToken: zohoLikeToken(),
  };
  const token = new OAuthToken({
    id: '7',
    userSignature: 'ada@example.com',
    clientId: '1000.CLIENT',
    ...secrets,
    expiresAt: 1_900_000_000_000,
  });
  const leaks = new LeakCheck();
  leaks.secret(...Object.values(secrets));
  const nested = { tokens: [token], byUser: new Map([['ada', token]]), set: new Set([token]) };
  leaks.text('String', String(token), `${token}`, token.toString());
  leaks.text(
    'inspect',
    inspect(token),
    inspect(nested, { depth: Infinity, showHidden: true, getters: true }),
    inspect([token], { colors: true }),
  );
  for (const directive of ['%s', '%o', '%O', '%j']) leaks.text(`format ${directive}`, format(directive, token), format(directive, nested));
  leaks.text('JSON', JSON.stringify(token), JSON.stringify(nested.tokens), JSON.stringify({ token }, null, 2));
  leaks.object('the token', token);
  leaks.assertClean(4);

  // Masked, not hidden: the last four characters tell two tokens apart.
  assert.match(JSON.stringify(token), new RegExp(`"accessToken":"\\*\\*\\*\\*${secrets.accessToken.slice(-4)}"`));
  // The explicit ways to the values.
  assert.equal(token.accessToken, secrets.accessToken);
  assert.equal(token.toRecord('7').refreshToken, secrets.refreshToken);
});
