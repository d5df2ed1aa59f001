import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, test } from 'node:test';
import { ErrorCode, ListStore, MemoryStore, OAuthToken, type EncryptionOptions } from 'zoho-token-store';
import {
  BackendTokenStore,
  EncryptingBackend,
  encryptTokenStore,
  supportsRefreshLock,
  MAX_ENCRYPTED_SECRET_BYTES,
} from 'zoho-token-store/kernel';
import { completeToken, testTokenStore } from 'zoho-token-store/testing';
import { MemoryBackend } from '../../src/stores/memory/memory-backend.js';
import { NaiveStore } from '../kit/_naive-store.js';
import { KEY_A, RING_A, RING_AB, RING_B, RING_WRONG_A } from './_encrypted-places.js';

const SECRET_FIELDS = ['clientSecret', 'refreshToken', 'accessToken', 'grantToken'] as const;
const codeOf = (run: () => unknown): string | undefined => {
  try {
    run();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

describe('encryption options are checked before anything is opened', () => {
  const cases: Array<[string, unknown, string]> = [
    ['no keys', { keys: {}, currentKeyId: 'a' }, ErrorCode.INVALID_CONFIG],
    ['current key not in the ring', { keys: { a: KEY_A }, currentKeyId: 'b' }, ErrorCode.INVALID_CONFIG],
    ['bad key id', { keys: { 'a.b': KEY_A }, currentKeyId: 'a.b' }, ErrorCode.INVALID_CONFIG],
    ['key id too long', { keys: { ['k'.repeat(17)]: KEY_A }, currentKeyId: 'k'.repeat(17) }, ErrorCode.INVALID_CONFIG],
    ['unknown option', { ...RING_A, extra: true }, ErrorCode.INVALID_CONFIG],
    ['cacheSize negative', { ...RING_A, cacheSize: -1 }, ErrorCode.INVALID_CONFIG],
    ['key too short', { keys: { a: randomBytes(16) }, currentKeyId: 'a' }, ErrorCode.KEY_INVALID],
    ['key not base64', { keys: { a: 'not a key!' }, currentKeyId: 'a' }, ErrorCode.KEY_INVALID],
    ['key of 31 bytes in base64', { keys: { a: randomBytes(31).toString('base64') }, currentKeyId: 'a' }, ErrorCode.KEY_INVALID],
  ];
  for (const [name, encryption, code] of cases) {
    test(name, () => {
      assert.equal(
        codeOf(() => new MemoryStore({ encryption: encryption as EncryptionOptions })),
        code,
      );
      assert.equal(
        codeOf(() => encryptTokenStore(new NaiveStore(), encryption as EncryptionOptions)),
        code,
      );
    });
  }

  test('a key given in place of its id (pair the wrong way round) is refused without repeating it', () => {
    const key = randomBytes(32).toString('base64');
    try {
      new MemoryStore({ encryption: { keys: { [key]: 'k1' }, currentKeyId: key } });
      assert.fail('a key as key id was accepted');
    } catch (error) {
      assert.equal((error as { code?: string }).code, ErrorCode.INVALID_CONFIG);
      assert.ok(!inspect(error).includes(key.slice(0, 12)), 'the message repeats the key');
    }
  });

  test('keys are accepted as buffers, base64 and base64url; messages never show key material', () => {
    const key = randomBytes(32);
    for (const form of [key, key.toString('base64'), key.toString('base64url')]) {
      assert.doesNotThrow(() => new MemoryStore({ encryption: { keys: { k1: form }, currentKeyId: 'k1' } }));
    }
    const wrong = randomBytes(20).toString('base64');
    try {
      new MemoryStore({ encryption: { keys: { k1: wrong }, currentKeyId: 'k1' } });
      assert.fail('a 20-byte key was accepted');
    } catch (error) {
      assert.ok(!inspect(error).includes(wrong) && !String((error as Error).message).includes(wrong));
    }
  });
});

describe('MemoryStore with encryption passes the conformance kit', () => {
  testTokenStore(test, () => new MemoryStore({ encryption: RING_AB }), {
    maxSecretBytes: MAX_ENCRYPTED_SECRET_BYTES,
    dispose: (store) => store.close(),
  });
});

describe('encryptTokenStore over a hand-written store passes the conformance kit', () => {
  testTokenStore(test, () => encryptTokenStore(new NaiveStore(), RING_AB), { scale: 2_000, maxSecretBytes: MAX_ENCRYPTED_SECRET_BYTES });
});

describe('encryptTokenStore over a custom store', () => {
  /** What the wrapped store holds, as it holds it. */
  const rawOf = async (inner: NaiveStore) => JSON.stringify((await inner.getTokens()).map((token) => token.toRecord(token.id ?? '')));

  test('the wrapped store sees only envelopes; lookups by every token succeed', async () => {
    const inner = new NaiveStore();
    const store = encryptTokenStore(inner, RING_A);
    const tokens = [completeToken(), completeToken(), completeToken()];
    for (const token of tokens) await store.saveToken(token);
    const raw = await rawOf(inner);
    for (const token of tokens) {
      for (const field of SECRET_FIELDS) assert.ok(!raw.includes(token[field] as string), `${field} reached the store in clear`);
      const { clientId, clientSecret } = token;
      for (const query of [
        new OAuthToken({ userSignature: token.userName }),
        new OAuthToken({ accessToken: token.accessToken }),
        new OAuthToken({ grantToken: token.grantToken, clientId, clientSecret }),
        new OAuthToken({ refreshToken: token.refreshToken, clientId, clientSecret }),
      ]) {
        const found = await store.findToken(query);
        assert.equal(found?.id, token.id);
        for (const field of SECRET_FIELDS) assert.equal(found?.[field], token[field]);
      }
    }
    assert.deepEqual(
      (await store.getTokens()).map((t) => t.accessToken),
      tokens.map((t) => t.accessToken),
    );
    assert.equal((await store.findTokenById(tokens[1]?.id as string))?.refreshToken, tokens[1]?.refreshToken);
  });

  test('rotation: a save matched under the old key updates that row; re-encrypt moves the rest; A can then go', async () => {
    const inner = new NaiveStore();
    const tokens = [completeToken(), completeToken(), completeToken()];
    for (const token of tokens) await encryptTokenStore(inner, RING_A).saveToken(token);
    const rotating = encryptTokenStore(inner, RING_AB);
    const first = tokens[0] as OAuthToken;
    const renewed = new OAuthToken({
      refreshToken: first.refreshToken,
      clientId: first.clientId,
      clientSecret: first.clientSecret,
      accessToken: 'renewed-access-token',
    });
    await rotating.saveToken(renewed);
    assert.equal(renewed.id, first.id, 'the save did not update the row stored under the old key');
    assert.equal((await inner.getTokens()).length, 3);
    first.accessToken = 'renewed-access-token';
    for (const token of tokens) assert.equal((await rotating.findToken(new OAuthToken({ accessToken: token.accessToken })))?.id, token.id);
    assert.ok((await rawOf(inner)).includes('zts1.a.'));
    // The renewed row still holds its grant token under A (the wrapped store kept the field the save left empty).
    assert.deepEqual(await rotating.reencrypt(), { rewritten: 3 });
    assert.deepEqual(await rotating.reencrypt(), { rewritten: 0 });
    assert.ok(!(await rawOf(inner)).includes('zts1.a.'));
    const after = encryptTokenStore(inner, RING_B);
    for (const token of tokens)
      assert.equal((await after.findToken(new OAuthToken({ accessToken: token.accessToken })))?.refreshToken, token.refreshToken);
  });

  test('the refresh lock is offered only when the wrapped store has one', () => {
    assert.equal(supportsRefreshLock(encryptTokenStore(new NaiveStore(), RING_A)), false);
    const locking = Object.assign(new NaiveStore(), {
      refreshLockScope: 'host' as const,
      acquireRefreshLock: async () => ({ release: async () => undefined }),
    });
    const wrapped = encryptTokenStore(locking, RING_A);
    assert.equal(supportsRefreshLock(wrapped), true);
    assert.equal(wrapped.refreshLockScope, 'host');
  });

  test('a wrong or missing key gives KEY_INVALID and changes nothing', async () => {
    const inner = new NaiveStore();
    const token = completeToken();
    await encryptTokenStore(inner, RING_A).saveToken(token);
    const before = await rawOf(inner);
    for (const ring of [RING_WRONG_A, RING_B]) {
      const store = encryptTokenStore(inner, ring);
      await assert.rejects(store.getTokens(), { code: ErrorCode.KEY_INVALID });
      await assert.rejects(store.findToken(new OAuthToken({ userSignature: token.userName })), { code: ErrorCode.KEY_INVALID });
      await assert.rejects(store.reencrypt(), { code: ErrorCode.KEY_INVALID });
    }
    assert.equal(await rawOf(inner), before);
  });
});

describe('a store without encryption meets encrypted rows', () => {
  test('a plain MemoryStore refuses to hand out an envelope as a token', async () => {
    // The plain store gets rows as an encrypted store over the same backend wrote them.
    const backend = new MemoryBackend();
    const inner = new BackendTokenStore(backend);
    const token = completeToken();
    await new BackendTokenStore(new EncryptingBackend(backend, RING_A)).saveToken(token);
    await assert.rejects(inner.findToken(new OAuthToken({ userSignature: token.userName })), { code: ErrorCode.KEY_INVALID });
    await assert.rejects(inner.getTokens(), { code: ErrorCode.KEY_INVALID });
    await assert.rejects(inner.findTokenById(token.id as string), { code: ErrorCode.KEY_INVALID });
    await assert.rejects(inner.saveToken(new OAuthToken({ userSignature: token.userName, accessToken: 'x' })), {
      code: ErrorCode.KEY_INVALID,
    });
    await assert.rejects(inner.reencrypt(), { code: ErrorCode.INVALID_CONFIG });
  });

  test('a plain store refuses to save a value shaped like an envelope, which it could not read back', async () => {
    const store = new MemoryStore();
    await store.saveToken(completeToken());
    const before = JSON.stringify(await store.getTokens());
    for (const field of ['accessToken', 'refreshToken', 'grantToken', 'clientSecret'] as const) {
      const token = Object.assign(completeToken(), { [field]: 'zts1.k1.AAAA' });
      await assert.rejects(store.saveToken(token), { code: ErrorCode.INVALID_ARGUMENT });
    }
    assert.equal(JSON.stringify(await store.getTokens()), before);
    // Only the prefix is reserved: the same text elsewhere in a value is kept.
    await store.saveToken(Object.assign(completeToken(), { accessToken: '1000.zts1.k1.AAAA' }));
  });

  test('encryptTokenStore refuses a store built on BackendTokenStore, which has its own option', () => {
    assert.equal(
      codeOf(() => encryptTokenStore(new ListStore(), RING_A)),
      ErrorCode.INVALID_CONFIG,
    );
    assert.equal(
      codeOf(() => encryptTokenStore(new MemoryStore(), RING_A)),
      ErrorCode.INVALID_CONFIG,
    );
  });
});
