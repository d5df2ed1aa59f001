import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, MemoryStore, OAuthToken, TokenStoreError, UserSignature } from 'zoho-token-store';
import { BackendTokenStore, InProcessLock, loadOptional, type TokenBackend, type TokenRecord } from 'zoho-token-store/kernel';

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

/**
 * An engine with the optional one-statement update by user name, over a plain Map; `direct` says what that update
 * answers (`'apply'`: merges like the full save would; `'decline'`: null). Counts the calls of each write path.
 */
function directUpdateBackend(direct: 'apply' | 'decline') {
  const rows = new Map<string, TokenRecord>();
  const calls = { direct: 0, write: 0 };
  const lock = new InProcessLock();
  const findBy = (field: keyof TokenRecord, value: string) => [...rows.values()].find((row) => row[field] === value) ?? null;
  const backend: TokenBackend = {
    refreshLockScope: 'process',
    findBy,
    list: () => [...rows.values()],
    deleteById: (id) => void rows.delete(id),
    deleteAll: () => rows.clear(),
    write: async (work) => {
      calls.write += 1;
      const put = (record: TokenRecord) => void rows.set(record.id, record);
      return work({ findBy, nextId: () => String(rows.size + 1), insert: put, update: put });
    },
    updateByUserName: (fields) => {
      calls.direct += 1;
      const stored = fields.userName === null ? null : findBy('userName', fields.userName);
      if (direct === 'decline' || stored === null) return null;
      const merged = Object.fromEntries(Object.entries(stored).map(([key, value]) => [key, fields[key as keyof typeof fields] ?? value]));
      rows.set(stored.id, { ...(merged as unknown as TokenRecord), id: stored.id });
      return stored.id;
    },
    acquireRefreshLock: (key, options) => lock.acquireRefreshLock(key, options),
  };
  return { backend, calls, rows };
}

describe("BackendTokenStore with a backend's update by user name", () => {
  it('sends it a token only its user name matches, and runs the full save when it declines or finds no one', async () => {
    const { backend, calls } = directUpdateBackend('apply');
    const store = new BackendTokenStore(backend, 'test store');
    const ada = new OAuthToken({ userSignature: 'ada@example.com', refreshToken: 'r1', accessToken: 'a1' });
    await store.saveToken(ada); // a new user: the update finds no one, the full save inserts
    assert.deepEqual(calls, { direct: 1, write: 1 });
    const update = new OAuthToken({ userSignature: 'ada@example.com', accessToken: 'a2' });
    await store.saveToken(update);
    assert.deepEqual(calls, { direct: 2, write: 1 });
    assert.equal(update.id, ada.id);
    const found = await store.findToken(new OAuthToken({ userSignature: 'ada@example.com' }));
    assert.equal(found?.accessToken, 'a2');
    assert.equal(found?.refreshToken, 'r1', 'a field the token leaves empty keeps its stored value');
    // An id, or no user name (matched by access token): the full save, which applies the whole matching rule.
    await store.saveToken(new OAuthToken({ id: ada.id, accessToken: 'a3' }));
    await store.saveToken(new OAuthToken({ accessToken: 'a3', refreshToken: 'r2' }));
    assert.deepEqual(calls, { direct: 2, write: 3 });
  });

  it('a declined update leaves the save to the full one', async () => {
    const { backend, calls, rows } = directUpdateBackend('decline');
    const store = new BackendTokenStore(backend, 'test store');
    await store.saveToken(new OAuthToken({ userSignature: 'ada@example.com', accessToken: 'a1' }));
    await store.saveToken(new OAuthToken({ userSignature: 'ada@example.com', accessToken: 'a2' }));
    assert.deepEqual(calls, { direct: 2, write: 2 });
    assert.deepEqual(
      [...rows.values()].map((row) => [row.userName, row.accessToken]),
      [['ada@example.com', 'a2']],
    );
  });
});
