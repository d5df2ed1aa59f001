// The official @zohocrm/typescript-sdk-8.0, unchanged, with each of this package's stores and a hand-written one
// through the bridge: its Initializer exchanges the grant, refreshes, finds tokens by user and by id, and a real
// UsersOperations.getUsers call is answered by the emulator.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OAuthToken as OfficialToken, SDKException } from '@zohocrm/typescript-sdk-8.0';
import { ErrorCode, ListStore, MemoryStore, OAuthToken, type TokenStore } from 'zoho-token-store';
import { OfficialTokenStore } from 'zoho-token-store/official';
import { skipUnless } from '../_services.js';
import { NaiveStore } from '../kit/_naive-store.js';
import { sharedStoreCases } from '../integration/_store-cases.js';
import { openStore } from '../integration/_stores.js';
import { officialHarnessForFile, type OfficialStore } from './_official-harness.js';

const { folder, harness } = officialHarnessForFile('official-stores');

interface Opened {
  readonly store: TokenStore;
  close(): Promise<void>;
}

const closeable = (store: TokenStore): Opened => ({ store, close: async () => (store as { close?: () => Promise<void> }).close?.() });

const IN_PROCESS: Array<{ name: string; open(): Promise<Opened> }> = [
  { name: 'MemoryStore', open: async () => closeable(new MemoryStore()) },
  { name: 'ListStore', open: async () => closeable(new ListStore()) },
  {
    name: 'SQLiteStore :memory:',
    open: async () => closeable(await (await import('zoho-token-store/sqlite')).SQLiteStore.open({ path: ':memory:' })),
  },
  { name: 'a hand-written TokenStore', open: async () => closeable(new NaiveStore()) },
];

const bridged = (store: TokenStore): OfficialStore => new OfficialTokenStore(store) as unknown as OfficialStore;

async function grantRefreshByUserById(store: TokenStore): Promise<void> {
  const h = harness();
  const bridge = new OfficialTokenStore(store);
  const client = h.client();
  const user = h.user();
  h.emulator.stats.reset();

  // 1. The official SDK exchanges the grant code itself, names the token email:zgid, and saves it through the bridge.
  await h.initialize(bridged(store), h.grantToken(client, h.grantCode(client, user)));
  assert.equal(h.emulator.stats.codeExchanges(), 1);
  assert.deepEqual(await h.currentUser(), { status: 200, emails: [user.email] });
  const [saved, ...others] = await store.getTokens();
  assert.ok(saved && others.length === 0, 'one token stored');
  assert.equal(saved.userName, `${user.email}:${user.orgId}`);
  assert.ok(saved.accessToken && saved.refreshToken && saved.id);
  assert.ok(Number(saved.expiresAt) > Date.now() + 3_000_000, 'the official expiry (epoch ms) is stored as ours');
  assert.equal(saved.apiDomain, h.emulator.apiDomain('us'));
  await h.rememberSecrets(store);

  // 2. An expired token, found by user name on the next start: the official SDK refreshes it and saves the result.
  await store.saveToken(new OAuthToken({ id: saved.id, refreshToken: saved.refreshToken, expiresAt: Date.now() - 1_000 }));
  await h.initialize(bridged(store), h.userToken(String(saved.userName)));
  assert.equal(h.emulator.stats.refreshRequests(String(saved.refreshToken)), 1);
  const refreshed = await store.findTokenById(String(saved.id));
  assert.ok(refreshed?.accessToken && refreshed.accessToken !== saved.accessToken, 'the refreshed access token was saved');
  assert.ok(Number(refreshed.expiresAt) > Date.now() + 3_000_000);
  assert.equal((await store.getTokens()).length, 1, 'saved into the same row');
  await h.rememberSecrets(store);
  assert.deepEqual(await h.currentUser(), { status: 200, emails: [user.email] });

  // 3. By id (OAuthBuilder().id): found with findTokenById, used as it is.
  await h.initialize(bridged(store), h.idToken(String(saved.id)));
  assert.deepEqual(await h.currentUser(), { status: 200, emails: [user.email] });
  assert.equal(h.emulator.stats.refreshRequests(), 1, 'a valid token is not refreshed');
  assert.equal(h.emulator.stats.codeExchanges(), 1);

  // 4. Official instances on every path; findToken fills the SDK's own object.
  const byId = await bridge.findTokenById(String(saved.id));
  assert.ok(byId instanceof OfficialToken);
  assert.equal(byId.getAccessToken(), refreshed.accessToken);
  assert.equal(byId.getExpiresIn(), String(refreshed.expiresAt));
  assert.equal(byId.getUserSignature()?.getName(), saved.userName);
  const query = h.userToken(String(saved.userName));
  const found = await bridge.findToken(query);
  assert.equal(found, query, 'findToken returns the token it was given, filled in place');
  assert.equal(query.getId(), saved.id);
  assert.equal(query.getRefreshToken(), refreshed.refreshToken);
  assert.equal(query.getClientSecret(), client.clientSecret);
  const all = await bridge.getTokens();
  assert.equal(all.length, 1);
  assert.ok(all.every((token) => token instanceof OfficialToken));
  assert.equal(await bridge.findToken(h.userToken('nobody@example.com')), null);
  await assert.rejects(bridge.findTokenById('9999'), (error: unknown) => {
    assert.ok(error instanceof SDKException);
    const { code, cause } = error as unknown as { code: string; cause: { code?: string } };
    assert.equal(code, 'TOKEN_STORE');
    assert.equal(cause.code, ErrorCode.TOKEN_NOT_FOUND);
    h.leaks.error('findTokenById(unknown)', error);
    return true;
  });
}

describe('the official SDK with each store through the bridge', () => {
  for (const { name, open } of IN_PROCESS) {
    test(`${name}: grant exchange, refresh, by user, by id, getUsers`, async () => {
      const opened = await open();
      try {
        await grantRefreshByUserById(opened.store);
      } finally {
        await opened.close();
      }
    });
  }

  for (const storeCase of sharedStoreCases(folder, 'official')) {
    test(`${storeCase.kind}: grant exchange, refresh, by user, by id, getUsers`, async (t) => {
      const skip = storeCase.service ? await skipUnless(storeCase.service) : false;
      if (skip) return t.skip(skip);
      const spec = await storeCase.spec();
      const store = await openStore(spec);
      try {
        await grantRefreshByUserById(store);
      } finally {
        await store.close();
        await storeCase.cleanUp(spec);
      }
    });
  }
});
