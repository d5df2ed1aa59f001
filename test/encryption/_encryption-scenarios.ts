// The encryption checks every store kind runs: raw scans, lookups, the kit, rotation, wrong and missing keys,
// plaintext migration, and a plain store meeting encrypted rows.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ErrorCode, OAuthToken } from 'zoho-token-store';
import { MAX_ENCRYPTED_SECRET_BYTES, type BackendTokenStore } from 'zoho-token-store/kernel';
import { completeToken, testTokenStore } from 'zoho-token-store/testing';
import { newPlace, RING_A, RING_AB, RING_B, RING_WRONG_A, type Place, type StoreKind } from './_encrypted-places.js';

const SECRET_FIELDS = ['clientSecret', 'refreshToken', 'accessToken', 'grantToken'] as const;

/** Every secret of the tokens, whole and as a 12-character middle slice (a partial leak counts too). */
function secretsOf(tokens: readonly OAuthToken[]): string[] {
  return tokens.flatMap((token) =>
    SECRET_FIELDS.flatMap((field) => {
      const value = token[field] as string;
      return [value, value.slice(10, 22)];
    }),
  );
}

function assertNoSecret(raw: string, tokens: readonly OAuthToken[]): void {
  assert.ok(raw.length > 0, 'the raw view is empty: the scan would prove nothing');
  for (const secret of secretsOf(tokens)) assert.ok(!raw.includes(secret), 'a token secret is stored in clear');
}

const rejectsWith = (promise: Promise<unknown>, code: string) => assert.rejects(promise, (error: { code?: string }) => error.code === code);

async function saveSome(store: BackendTokenStore, count: number): Promise<OAuthToken[]> {
  const tokens = Array.from({ length: count }, () => completeToken());
  for (const token of tokens) await store.saveToken(token);
  return tokens;
}

/** Asserts that lookups by user, access, grant and refresh token all find `token`'s row. */
async function assertFindable(store: BackendTokenStore, token: OAuthToken): Promise<void> {
  const { clientId, clientSecret } = token;
  const queries = [
    new OAuthToken({ userSignature: token.userName }),
    new OAuthToken({ accessToken: token.accessToken }),
    new OAuthToken({ grantToken: token.grantToken, clientId, clientSecret }),
    new OAuthToken({ refreshToken: token.refreshToken, clientId, clientSecret }),
  ];
  for (const query of queries) {
    const found = await store.findToken(query);
    assert.ok(found, 'a lookup found nothing');
    assert.equal(found.id, token.id);
    for (const field of SECRET_FIELDS) assert.equal(found[field], token[field], `${field} reads back in clear`);
  }
}

async function withPlace(kind: StoreKind, run: (place: Place) => Promise<void>): Promise<void> {
  const place = await newPlace(kind);
  try {
    await run(place);
  } finally {
    await place.remove();
  }
}

async function withStore<T>(
  place: Place,
  encryption: Parameters<Place['open']>[0],
  run: (store: BackendTokenStore) => Promise<T>,
): Promise<T> {
  const store = await place.open(encryption);
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

export function encryptionScenarios(kind: StoreKind, skip: string | false, kitScale = 1_000): void {
  describe(`${kind} store with encryption`, { skip }, () => {
    test('raw storage holds no token or secret in clear; lookups by every token still succeed', () =>
      withPlace(kind, async (place) => {
        await withStore(place, RING_A, async (store) => {
          const tokens = await saveSome(store, 5);
          const updated = tokens[0] as OAuthToken;
          updated.accessToken = completeToken().accessToken;
          await store.saveToken(new OAuthToken({ userSignature: updated.userName, accessToken: updated.accessToken }));
          assertNoSecret(await place.rawBytes(), tokens);
          assert.ok((await place.rows()).includes('zts1.a.'), 'no envelope is stored');
          for (const token of tokens) await assertFindable(store, token);
          const listed = await store.getTokens();
          assert.deepEqual(listed.map((t) => t.accessToken).sort(), tokens.map((t) => t.accessToken).sort());
        });
      }));

    test('rotation: A-rows read after adding B; re-encrypt moves them to B; removing A still reads all', () =>
      withPlace(kind, async (place) => {
        const tokens = await withStore(place, RING_A, (store) => saveSome(store, 4));
        await withStore(place, RING_AB, async (store) => {
          for (const token of tokens) await assertFindable(store, token);
          // A save matched by refresh token to an A-row updates that row; a new token is written under B.
          const first = tokens[0] as OAuthToken;
          const renewed = new OAuthToken({
            refreshToken: first.refreshToken,
            clientId: first.clientId,
            clientSecret: first.clientSecret,
            accessToken: completeToken().accessToken,
          });
          await store.saveToken(renewed);
          assert.equal(renewed.id, first.id);
          first.accessToken = renewed.accessToken;
          const [fresh] = await saveSome(store, 1);
          tokens.push(fresh as OAuthToken);
          assert.equal((await store.getTokens()).length, tokens.length);
          assert.ok((await place.rows()).includes('zts1.b.'), 'nothing is stored under b');
          assert.ok((await place.rows()).includes('zts1.a.'), 'nothing is left under a');
          const { rewritten } = await store.reencrypt();
          assert.equal(rewritten, 3, 'the A-row updated under B was already moved by that save');
          await place.compact();
          assert.ok(!(await place.rawBytes()).includes('zts1.a.'), 'a value is still stored under a');
          assert.deepEqual(await store.reencrypt(), { rewritten: 0 });
        });
        await withStore(place, RING_B, async (store) => {
          for (const token of tokens) await assertFindable(store, token);
        });
        assertNoSecret(await place.rawBytes(), tokens);
      }));

    test('a wrong key or a missing key id gives KEY_INVALID and changes nothing stored', () =>
      withPlace(kind, async (place) => {
        const tokens = await withStore(place, RING_A, (store) => saveSome(store, 2));
        const token = tokens[0] as OAuthToken;
        const before = await place.rows();
        for (const ring of [RING_WRONG_A, RING_B]) {
          await withStore(place, ring, async (store) => {
            await rejectsWith(store.findToken(new OAuthToken({ userSignature: token.userName })), ErrorCode.KEY_INVALID);
            await rejectsWith(store.findTokenById(token.id as string), ErrorCode.KEY_INVALID);
            await rejectsWith(store.getTokens(), ErrorCode.KEY_INVALID);
            await rejectsWith(
              store.saveToken(new OAuthToken({ userSignature: token.userName, accessToken: 'new-access' })),
              ErrorCode.KEY_INVALID,
            );
            await rejectsWith(store.reencrypt(), ErrorCode.KEY_INVALID);
            // A lookup by value under a key that did not write it finds no row: the store cannot tell it is there.
            assert.equal(await store.findToken(new OAuthToken({ accessToken: token.accessToken })), null);
          });
          assert.equal(await place.rows(), before, 'stored rows changed');
        }
        // A store opened without the key ring refuses the rows instead of handing out envelopes as tokens.
        await withStore(place, undefined, async (store) => {
          await rejectsWith(store.findToken(new OAuthToken({ userSignature: token.userName })), ErrorCode.KEY_INVALID);
          await rejectsWith(store.getTokens(), ErrorCode.KEY_INVALID);
          await rejectsWith(
            store.saveToken(new OAuthToken({ userSignature: token.userName, accessToken: 'new-access' })),
            ErrorCode.KEY_INVALID,
          );
          await rejectsWith(store.reencrypt(), ErrorCode.INVALID_CONFIG);
        });
        assert.equal(await place.rows(), before, 'stored rows changed');
      }));

    test('plaintext rows: read by user, found by value only with acceptPlaintext, encrypted by re-encrypt', () =>
      withPlace(kind, async (place) => {
        const tokens = await withStore(place, undefined, (store) => saveSome(store, 3));
        const token = tokens[0] as OAuthToken;
        await withStore(place, RING_A, async (store) => {
          assert.equal((await store.findToken(new OAuthToken({ userSignature: token.userName })))?.accessToken, token.accessToken);
          assert.equal(await store.findToken(new OAuthToken({ accessToken: token.accessToken })), null);
        });
        await withStore(place, { ...RING_A, acceptPlaintext: true }, async (store) => {
          for (const t of tokens) await assertFindable(store, t);
          assert.deepEqual(await store.reencrypt(), { rewritten: 3 });
        });
        await place.compact(); // the engine's own copies of the old values (free pages, dead rows) go too
        assertNoSecret(await place.rawBytes(), tokens);
        await withStore(place, RING_A, async (store) => {
          for (const t of tokens) await assertFindable(store, t);
        });
      }));

    if (kind === 'mysql') {
      test('a value whose envelope does not fit the official varchar(255) is refused before anything is written', () =>
        withPlace(kind, async (place) => {
          await withStore(place, RING_A, async (store) => {
            const [kept] = await saveSome(store, 1);
            const before = await place.rows();
            // 180 bytes fit the column in clear, but not once encrypted (5 + 1 + 1 + 4/3 × 208 = 285 characters).
            const long = completeToken({ accessToken: `1000.${'a'.repeat(175)}` });
            await rejectsWith(store.saveToken(long), ErrorCode.INVALID_ARGUMENT);
            await rejectsWith(
              store.saveToken(new OAuthToken({ userSignature: kept?.userName, accessToken: long.accessToken })),
              ErrorCode.INVALID_ARGUMENT,
            );
            assert.equal(await place.rows(), before);
          });
        }));
    }

    describe(`${kind} store with encryption passes the conformance kit`, () => {
      const places = new WeakMap<BackendTokenStore, Place>();
      testTokenStore(
        (name, fn) => test(name, { skip }, fn),
        async () => {
          const place = await newPlace(kind);
          const store = await place.open(RING_AB);
          places.set(store, place);
          return store;
        },
        {
          scale: kitScale,
          maxSecretBytes: MAX_ENCRYPTED_SECRET_BYTES,
          dispose: async (store) => {
            await store.close();
            await places.get(store)?.remove();
          },
        },
      );
    });
  });
}
