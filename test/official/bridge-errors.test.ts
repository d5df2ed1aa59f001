// The bridge's seams that the official SDK's happy path does not reach: errors become the official SDKException
// (code TOKEN_STORE, ours as cause) and nothing is written, an official SDKException passes through, a token with
// nothing to match is not found, the official revoke does not crash the process, and a missing official package
// is DRIVER_MISSING naming it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import {
  Environment,
  InitializeBuilder,
  Levels,
  LogBuilder,
  OAuthBuilder,
  OAuthToken as OfficialToken,
  SDKException,
  UserSignature,
} from '@zohocrm/typescript-sdk-8.0';
import { ErrorCode, MemoryStore, TokenStoreError, type TokenStore } from 'zoho-token-store';
import { OfficialTokenStore, type OfficialOAuthToken } from 'zoho-token-store/official';
import { renderError } from '../hygiene/_leak-check.js';
import { officialToken } from '../stores/_official-sdk.js';

const official = (init: Parameters<typeof officialToken>[0]): OfficialOAuthToken => officialToken(init) as unknown as OfficialOAuthToken;
const parts = (error: unknown): { code: string; cause: { code?: string } | undefined } =>
  error as { code: string; cause: { code?: string } };

function assertOfficialError(error: unknown, causeCode: string): true {
  assert.ok(error instanceof SDKException, 'an official SDKException');
  assert.equal(parts(error).code, 'TOKEN_STORE');
  assert.equal(parts(error).cause?.code, causeCode);
  return true;
}

describe('the bridge at its edges', () => {
  test('an incomplete token: SDKException TOKEN_STORE caused by TOKEN_INCOMPLETE, nothing stored', async () => {
    const store = new MemoryStore();
    const bridge = new OfficialTokenStore(store);
    await assert.rejects(bridge.saveToken(official({ userName: 'ada@example.com' })), (error) =>
      assertOfficialError(error, ErrorCode.TOKEN_INCOMPLETE),
    );
    assert.deepEqual(await store.getTokens(), []);
  });

  test('an expiry that is not epoch milliseconds: INVALID_ARGUMENT as cause, and its value in no message', async () => {
    const bridge = new OfficialTokenStore(new MemoryStore());
    const token = official({ userName: 'ada@example.com', refreshToken: '1000.refresh.secret-value', clientId: 'c', clientSecret: 's' });
    token.setExpiresIn('in an hour: 1000.refresh.secret-value');
    await assert.rejects(bridge.saveToken(token), (error) => {
      assertOfficialError(error, ErrorCode.INVALID_ARGUMENT);
      for (const text of renderError(error)) assert.ok(!text.includes('secret-value'), text);
      return true;
    });
  });

  test('a store failing with its own error: the official error carries it as cause; an SDKException passes unchanged', async () => {
    const failure = new TokenStoreError(ErrorCode.STORE_UNAVAILABLE, 'The database is down; start it and retry.');
    const thrown = new SDKException('TOKEN_STORE', 'a custom store speaking the official SDK already', null, null);
    const failing = (error: Error): TokenStore => ({
      findToken: () => Promise.reject(error),
      saveToken: () => Promise.reject(error),
      deleteToken: () => Promise.reject(error),
      getTokens: () => Promise.reject(error),
      deleteTokens: () => Promise.reject(error),
      findTokenById: () => Promise.reject(error),
    });
    const bridge = new OfficialTokenStore(failing(failure));
    for (const call of [
      () => bridge.findToken(official({ userName: 'ada@example.com' })),
      () => bridge.findTokenById('1'),
      () => bridge.saveToken(official({ userName: 'ada@example.com', accessToken: 'a' })),
      () => bridge.deleteToken('1'),
      () => bridge.getTokens(),
      () => bridge.deleteTokens(),
    ]) {
      await assert.rejects(call(), (error) => assertOfficialError(error, ErrorCode.STORE_UNAVAILABLE) && parts(error).cause === failure);
    }
    await assert.rejects(new OfficialTokenStore(failing(thrown as unknown as Error)).getTokens(), (error) => error === thrown);
  });

  test('deleteToken and deleteTokens reach the store; a deleted id is then not found', async () => {
    const store = new MemoryStore();
    const bridge = new OfficialTokenStore(store);
    const ada = official({ userName: 'ada@example.com', accessToken: 'a1', clientId: 'c', clientSecret: 's', refreshToken: 'r1' });
    await bridge.saveToken(ada);
    const bob = official({ userName: 'bob@example.com', accessToken: 'b1', clientId: 'c', clientSecret: 's', refreshToken: 'r2' });
    await bridge.saveToken(bob);
    assert.deepEqual([ada.getId(), bob.getId()], ['1', '2'], "saveToken gives the SDK's object the new id, as the official stores do");
    await bridge.deleteToken('1');
    await assert.rejects(bridge.findTokenById('1'), (error) => assertOfficialError(error, ErrorCode.TOKEN_NOT_FOUND));
    assert.equal((await bridge.getTokens()).length, 1);
    await bridge.deleteTokens();
    assert.deepEqual(await store.getTokens(), []);
  });

  test("saveToken fills the SDK's token from the stored row, as the official stores merge before writing", async () => {
    const bridge = new OfficialTokenStore(new MemoryStore());
    await bridge.saveToken(
      official({
        userName: 'ada@example.com',
        clientId: 'c',
        clientSecret: 's',
        refreshToken: 'r1',
        accessToken: 'a1',
        redirectUrl: 'https://app/cb',
      }),
    );
    const update = official({ userName: 'ada@example.com', accessToken: 'a2', expiresAt: 1_900_000_000_000 });
    await bridge.saveToken(update);
    assert.equal(update.getId(), '1');
    assert.equal(update.getRefreshToken(), 'r1');
    assert.equal(update.getRedirectURL(), 'https://app/cb');
    assert.equal(update.getAccessToken(), 'a2');
    const [stored] = await bridge.getTokens();
    assert.ok(stored instanceof OfficialToken);
    assert.equal(stored.getAccessToken(), 'a2');
    assert.equal(stored.getExpiresIn(), '1900000000000');
  });

  test('a token with nothing to match is not found; the official revoke(id), which does not await it, does not crash', async () => {
    const store = new MemoryStore();
    const bridge = new OfficialTokenStore(store);
    assert.equal(await bridge.findToken(official({ id: '1' })), null);
    // A stored valid token, so that initializing the official SDK calls no server.
    await bridge.saveToken(
      official({
        userName: 'ada@example.com',
        clientId: 'c',
        clientSecret: 's',
        refreshToken: 'r1',
        accessToken: 'a1',
        expiresAt: Date.now() + 3_600_000,
      }),
    );
    const token = new OAuthBuilder().userSignature(new UserSignature('ada@example.com')).build();
    await new InitializeBuilder()
      .environment(new Environment('http://127.0.0.1:9', 'http://127.0.0.1:9/oauth/v2/token', 'http://127.0.0.1:9'))
      .token(token)
      .store(bridge as unknown as Parameters<InitializeBuilder['store']>[0])
      .logger(new LogBuilder().level(Levels.OFF).build())
      .initialize();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      assert.equal(await token.revoke('1'), false, 'the official revoke finds nothing to revoke through any store');
      await new Promise((settle) => setTimeout(settle, 50));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    assert.deepEqual(unhandled, []);
    assert.equal((await store.getTokens()).length, 1, 'and deletes nothing');
  });

  test('neither a store nor a manager: INVALID_ARGUMENT', () => {
    assert.throws(() => new OfficialTokenStore(null as unknown as TokenStore), { code: ErrorCode.INVALID_ARGUMENT });
    assert.throws(() => new OfficialTokenStore({ findToken() {} } as unknown as TokenStore), {
      code: ErrorCode.INVALID_ARGUMENT,
      message: /saveToken/,
    });
  });

  test('without @zohocrm/typescript-sdk-8.0 installed: DRIVER_MISSING naming the package', () => {
    // The built package alone, where no node_modules holds the official SDK.
    const folder = mkdtempSync(join(tmpdir(), 'zts-no-official-'));
    try {
      cpSync(resolve('dist/src'), join(folder, 'src'), { recursive: true });
      writeFileSync(join(folder, 'package.json'), '{"type":"module"}');
      const script = `
        const { MemoryStore } = await import('./src/index.js');
        const { OfficialTokenStore } = await import('./src/official/index.js');
        try { new OfficialTokenStore(new MemoryStore()); console.log('constructed'); }
        catch (error) { console.log(JSON.stringify({ code: error.code, message: error.message })); }`;
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: folder, encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      const result = JSON.parse(run.stdout) as { code: string; message: string };
      assert.equal(result.code, ErrorCode.DRIVER_MISSING);
      assert.match(result.message, /npm install @zohocrm\/typescript-sdk-8\.0/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
