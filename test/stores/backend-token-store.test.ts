import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, MemoryStore, OAuthToken, TokenStoreError, UserSignature } from 'zoho-token-store';
import { BackendTokenStore, InProcessLock, loadOptional, type TokenBackend } from 'zoho-token-store/kernel';

const SECRET = '1000.0123456789abcdef0123456789abcdef.0123456789abcdef0123456789abcdef';

/** An engine that fails the way a real one does: its error message carries the SQL and a value. */
function failingBackend(): TokenBackend {
  const fail = () => {
    throw new Error(`ER_LOCK_WAIT_TIMEOUT in UPDATE oauthtoken SET access_token='${SECRET}'`);
  };
  const lock = new InProcessLock();
  return {
    refreshLockScope: 'process',
    findBy: fail,
    list: async () => fail(),
    deleteById: fail,
    deleteAll: fail,
    write: async () => fail(),
    acquireRefreshLock: (key, options) => lock.acquireRefreshLock(key, options),
  };
}

describe('BackendTokenStore', () => {
  it('turns engine failures into TOKEN_STORE errors with the cause attached and no secret in the message', async () => {
    const store = new BackendTokenStore(failingBackend(), 'test store');
    const calls: Array<() => Promise<unknown>> = [
      () => store.findToken(new OAuthToken({ accessToken: SECRET })),
      () => store.saveToken(new OAuthToken({ accessToken: SECRET })),
      () => store.getTokens(),
      () => store.deleteToken('1'),
      () => store.deleteTokens(),
      () => store.findTokenById('1'),
    ];
    for (const call of calls) {
      await assert.rejects(call(), (error: TokenStoreError) => {
        assert.ok(error instanceof TokenStoreError);
        assert.equal(error.code, ErrorCode.TOKEN_STORE);
        assert.match(error.message, /test store could not/);
        assert.ok(!error.message.includes(SECRET));
        assert.ok(error.cause instanceof Error, 'the engine error is the cause');
        assert.ok(!JSON.stringify(error).includes(SECRET), 'the cause is not enumerable');
        assert.ok(!Object.keys(error).includes('cause'));
        return true;
      });
    }
  });

  it('rejects (never throws synchronously) on bad arguments, with INVALID_ARGUMENT', async () => {
    const store = new MemoryStore();
    const bad: Array<() => Promise<unknown>> = [
      () => store.findToken({ userName: 'x' } as unknown as OAuthToken),
      () => store.saveToken(null as unknown as OAuthToken),
      () => store.deleteToken(7 as unknown as string),
      () => store.findTokenById(''),
      // Malformed text is refused by every method, not looked up: NUL, a lone surrogate.
      () => store.findTokenById('1\uD800'),
      () => store.deleteToken('1\0'),
      () => store.findToken(Object.assign(new OAuthToken(), { accessToken: 'a\0b' })),
      () => store.findToken(Object.assign(new OAuthToken({ clientId: 'c', clientSecret: 's' }), { refreshToken: '\uDC00' })),
      () => store.saveToken(Object.assign(new OAuthToken({ accessToken: 'a' }), { userSignature: new UserSignature('\uD800') })),
      () => store.acquireRefreshLock('k'.repeat(256), { waitMs: 0, leaseMs: 1_000 }),
    ];
    for (const call of bad) {
      let promise: Promise<unknown> | undefined;
      assert.doesNotThrow(() => {
        promise = call();
      });
      await assert.rejects(promise as Promise<unknown>, (error: { code?: string }) => error.code === ErrorCode.INVALID_ARGUMENT);
    }
  });

  it('refuses every call after close, and close is idempotent', async () => {
    const store = new MemoryStore();
    await store.saveToken(new OAuthToken({ userSignature: 'a@example.com', accessToken: 'x' }));
    await store.close();
    await store.close();
    await assert.rejects(store.getTokens(), (error: { code?: string }) => error.code === ErrorCode.STORE_CLOSED);
    await assert.rejects(store.findToken(new OAuthToken({ userSignature: 'a@example.com' })), { code: ErrorCode.STORE_CLOSED });
  });

  it("rejects an aborted refresh-lock wait with the signal's own reason", async () => {
    const store = new MemoryStore();
    const held = await store.acquireRefreshLock('1', { waitMs: 10, leaseMs: 5_000 });
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const waiting = store.acquireRefreshLock('1', { waitMs: 5_000, leaseMs: 5_000, signal: controller.signal });
    controller.abort(reason);
    await assert.rejects(waiting, (error: unknown) => error === reason);
    await held?.release();
  });

  it('looks up an over-long id or value as not found, without asking the engine', async () => {
    const store = new BackendTokenStore(failingBackend(), 'test store');
    assert.equal(await store.findTokenById('12345678901'), null);
    await store.deleteToken('x'.repeat(11));
    assert.equal(await store.findToken(Object.assign(new OAuthToken(), { userSignature: new UserSignature('x'.repeat(256)) })), null);
    assert.equal(await store.findToken(Object.assign(new OAuthToken(), { accessToken: `${'x'.repeat(254)}🔑🔑` })), null);
    // At the limit the engine is asked (and this one fails).
    await assert.rejects(store.findTokenById('1234567890'), (error: { code?: string }) => error.code === ErrorCode.TOKEN_STORE);
  });

  it('rolls back a failed write in the memory store', async () => {
    const store = new MemoryStore();
    const alice = new OAuthToken({ userSignature: 'alice@example.com', accessToken: 'a1' });
    const bob = new OAuthToken({ userSignature: 'bob@example.com', accessToken: 'b1' });
    await store.saveToken(alice);
    await store.saveToken(bob);
    await assert.rejects(store.saveToken(new OAuthToken({ id: bob.id, userSignature: 'alice@example.com', accessToken: 'b2' })), {
      code: ErrorCode.TOKEN_CONFLICT,
    });
    assert.deepEqual(
      (await store.getTokens()).map((token) => [token.userName, token.accessToken]),
      [
        ['alice@example.com', 'a1'],
        ['bob@example.com', 'b1'],
      ],
    );
  });
});

describe('loadOptional', () => {
  it('names the package to install when a driver is missing', async () => {
    await assert.rejects(loadOptional('zoho-token-store-no-such-driver', 'The test store'), (error: TokenStoreError) => {
      assert.equal(error.code, ErrorCode.DRIVER_MISSING);
      assert.match(error.message, /npm install zoho-token-store-no-such-driver/);
      return true;
    });
  });
});
