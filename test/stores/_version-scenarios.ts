// Scenarios every store with compare-and-set saves must pass; `store` and `other` stand for two processes on one
// table or prefix, and `stored` reads a token's official columns straight from the engine.
import assert from 'node:assert/strict';
import { OAuthToken, type TokenStore } from 'zoho-token-store';
import { completeToken, zohoLikeToken } from 'zoho-token-store/testing';

type StoredColumns = (id: string | null) => Promise<Record<string, unknown>>;

/** A token deleted by `other` after `store` read it is saved again as a new token, not lost. */
export async function deletedSinceReadIsSavedAgain(store: TokenStore, other: TokenStore): Promise<void> {
  const token = completeToken();
  await store.saveToken(token);
  assert.ok(await store.findToken(new OAuthToken({ userSignature: token.userName })));
  await other.deleteToken(String(token.id));
  const access = zohoLikeToken();
  await store.saveToken(new OAuthToken({ userSignature: token.userName, accessToken: access, refreshToken: zohoLikeToken() }));
  const listed = await other.getTokens();
  assert.equal(listed.length, 1);
  assert.equal(listed[0]?.accessToken, access);
}

/** Two stores updating different fields of one token at once: each store's last write is kept. */
export async function concurrentFieldUpdatesKeepBoth(store: TokenStore, other: TokenStore, stored: StoredColumns): Promise<void> {
  const token = completeToken();
  await store.saveToken(token);
  assert.ok(await other.findToken(new OAuthToken({ userSignature: token.userName })));
  const accesses = Array.from({ length: 30 }, () => zohoLikeToken());
  const refreshes = Array.from({ length: 30 }, () => zohoLikeToken());
  await Promise.all([
    (async () => {
      for (const accessToken of accesses) await store.saveToken(new OAuthToken({ userSignature: token.userName, accessToken }));
    })(),
    (async () => {
      for (const refreshToken of refreshes) await other.saveToken(new OAuthToken({ userSignature: token.userName, refreshToken }));
    })(),
  ]);
  const final = await stored(token.id);
  assert.equal(final.access_token, accesses.at(-1));
  assert.equal(final.refresh_token, refreshes.at(-1));
}
