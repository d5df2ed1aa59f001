// createPkcePair: RFC 7636 S256 pairs, checked against the RFC's own example and against the emulator's exchange.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPkcePair } from 'zoho-token-store';
import { AccountsClient } from 'zoho-token-store/accounts';
import { AccountsEmulator } from 'zoho-token-store/testing';
import { s256Challenge } from '../../src/accounts/pkce.js';

const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/; // RFC 7636 §4.1: unreserved characters, 43 to 128 of them

test('the S256 challenge of RFC 7636 appendix B', () => {
  assert.equal(s256Challenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
});

test('createPkcePair: a 43-character verifier of 32 random bytes, its S256 challenge, the method, frozen', () => {
  const pairs = Array.from({ length: 1_000 }, () => createPkcePair());
  for (const pair of pairs) {
    assert.match(pair.verifier, VERIFIER);
    assert.equal(pair.verifier.length, 43);
    assert.equal(Buffer.from(pair.verifier, 'base64url').length, 32);
    assert.equal(pair.challenge, s256Challenge(pair.verifier));
    assert.notEqual(pair.challenge, pair.verifier);
    assert.equal(pair.method, 'S256');
    assert.ok(Object.isFrozen(pair));
  }
  assert.equal(new Set(pairs.map((pair) => pair.verifier)).size, pairs.length, 'every verifier is new');
});

test("a code authorized with the challenge is exchanged with the verifier, and refused with another pair's", async (t) => {
  const emulator = await AccountsEmulator.start({ dataCenters: ['us'] });
  t.after(() => emulator.close());
  const client = emulator.registerClient();
  const user = emulator.addUser();
  const accounts = new AccountsClient({ retry: { attempts: 1 } });
  const exchange = (pair: ReturnType<typeof createPkcePair>, verifier: string) =>
    accounts.exchangeGrant({
      accountsUrl: emulator.accountsUrl(),
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      redirectUri: client.redirectUri,
      code: emulator.issueGrantCode({ client, user, pkce: { method: pair.method, challenge: pair.challenge } }),
      codeVerifier: verifier,
    });
  const pair = createPkcePair();
  assert.ok((await exchange(pair, pair.verifier)).refreshToken);
  await assert.rejects(exchange(pair, createPkcePair().verifier), { code: 'REAUTHORIZATION_REQUIRED' });
});
