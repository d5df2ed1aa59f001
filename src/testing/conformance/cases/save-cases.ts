import { ErrorCode } from '../../../errors/codes.js';
import { OAuthToken } from '../../../token/oauth-token.js';
import type { ConformanceCase } from '../conformance-case.js';
import { completeToken, fieldsOf, zohoLikeToken } from '../fixtures.js';
import { ensure, mustReject, mustSucceed } from '../violation.js';
import { expectCount, expectStored, save } from '../store-calls.js';

export const saveCases: ConformanceCase[] = [
  {
    rule: 'save.assigns-unique-ids',
    title: 'saveToken gives each new token a new id and sets it on the token',
    async run(store) {
      const ids = new Set<string>();
      for (let i = 0; i < 20; i += 1) ids.add(String((await save(store, this.rule, completeToken())).id));
      ensure(this.rule, ids.size === 20, `20 new tokens must get 20 distinct ids; they got ${ids.size}.`);
      const listed = await expectCount(store, this.rule, 20, '20 saves of new users');
      ensure(
        this.rule,
        listed.every((token) => ids.has(String(token.id))),
        'getTokens must list the ids saveToken assigned.',
      );
    },
  },
  {
    rule: 'save.updates-by-user-name',
    title: 'saving a token for a stored user updates that row instead of adding one',
    async run(store) {
      const first = await save(store, this.rule, completeToken());
      const update = new OAuthToken({ userSignature: first.userName, accessToken: zohoLikeToken(), expiresAt: 42 });
      await save(store, this.rule, update);
      ensure(this.rule, update.id === first.id, `an update of user's token ${first.id} must keep its id; it got ${update.id}.`);
      await expectCount(store, this.rule, 1, 'two saves for one user');
      await expectStored(store, this.rule, String(first.id), { accessToken: update.accessToken, expiresAt: 42 }, 'the update');
    },
  },
  {
    rule: 'save.updates-by-access-token',
    title: 'a token without user or client credentials updates the row with its access token',
    async run(store) {
      const access = zohoLikeToken();
      const first = await save(store, this.rule, new OAuthToken({ accessToken: access, expiresAt: 1 }));
      await save(store, this.rule, new OAuthToken({ accessToken: access, expiresAt: 2, apiDomain: 'https://www.zohoapis.eu' }));
      await expectCount(store, this.rule, 1, 'two saves of one access token');
      await expectStored(store, this.rule, String(first.id), { expiresAt: 2, apiDomain: 'https://www.zohoapis.eu' }, 'the update');
    },
  },
  {
    rule: 'save.updates-by-grant-then-refresh',
    title: 'with client credentials, saving updates the row with the grant token, else the refresh token',
    async run(store) {
      const base = { clientId: 'client-a', clientSecret: 'secret-a' };
      const byGrant = await save(store, this.rule, new OAuthToken({ ...base, grantToken: zohoLikeToken(), refreshToken: zohoLikeToken() }));
      const access1 = zohoLikeToken();
      await save(store, this.rule, new OAuthToken({ ...base, grantToken: byGrant.grantToken, accessToken: access1 }));
      await expectCount(store, this.rule, 1, 'a second save with the same grant token');
      await expectStored(
        store,
        this.rule,
        String(byGrant.id),
        { refreshToken: byGrant.refreshToken, accessToken: access1 },
        'a save by grant token',
      );
      const access2 = zohoLikeToken();
      await save(store, this.rule, new OAuthToken({ ...base, refreshToken: byGrant.refreshToken, accessToken: access2 }));
      await expectCount(store, this.rule, 1, 'a save with the same refresh token');
      await expectStored(store, this.rule, String(byGrant.id), { accessToken: access2 }, 'a save by refresh token');
    },
  },
  {
    rule: 'save.id-first',
    title: 'a token with an id updates the row with that id, whatever else matches',
    async run(store) {
      const base = { clientId: 'client-a', clientSecret: 'secret-a' };
      const one = await save(store, this.rule, new OAuthToken({ ...base, refreshToken: zohoLikeToken() }));
      const two = await save(store, this.rule, new OAuthToken({ ...base, refreshToken: zohoLikeToken() }));
      const access = zohoLikeToken();
      const update = new OAuthToken({ ...base, id: one.id, refreshToken: two.refreshToken, accessToken: access });
      await save(store, this.rule, update);
      ensure(this.rule, update.id === one.id, `a save with id ${one.id} must update that row; it wrote row ${update.id}.`);
      await expectCount(store, this.rule, 2, 'a save by id');
      await expectStored(store, this.rule, String(one.id), { refreshToken: two.refreshToken, accessToken: access }, 'a save by id');
      await expectStored(store, this.rule, String(two.id), { accessToken: null }, 'a save by id of another row');
    },
  },
  {
    rule: 'save.keeps-unset-fields',
    title: 'a field the saved token leaves empty keeps its stored value',
    async run(store) {
      const full = await save(store, this.rule, completeToken());
      const expected = fieldsOf(full);
      const access = zohoLikeToken();
      await save(store, this.rule, new OAuthToken({ userSignature: full.userName, accessToken: access }));
      await expectStored(store, this.rule, String(full.id), { ...expected, accessToken: access }, 'a partial save');
    },
  },
  {
    rule: 'save.users-kept-apart',
    title: 'two users with otherwise identical tokens get two rows, each found by its user',
    async run(store) {
      const shared = completeToken();
      const { userName: _userName, ...fields } = fieldsOf(shared);
      const alice = await save(store, this.rule, OAuthToken.from({ ...fields, userSignature: 'alice@example.com' }));
      const bob = await save(store, this.rule, OAuthToken.from({ ...fields, userSignature: 'bob@example.com' }));
      ensure(this.rule, alice.id !== bob.id, 'two users must get two ids.');
      await expectCount(store, this.rule, 2, 'saves for two users');
      for (const user of [alice, bob]) {
        const found = await mustSucceed(this.rule, 'findToken', () => store.findToken(new OAuthToken({ userSignature: user.userName })));
        ensure(
          this.rule,
          found?.id === user.id,
          `findToken for ${String(user.userName)} must return token ${user.id}; it returned ${found?.id}.`,
        );
      }
    },
  },
  {
    rule: 'save.incomplete-rejected',
    title: 'a token with no access, refresh or grant token is rejected with TOKEN_INCOMPLETE and nothing changes',
    async run(store) {
      const stored = await save(store, this.rule, completeToken());
      const before = fieldsOf(stored);
      const code = ErrorCode.TOKEN_INCOMPLETE;
      await mustReject(this.rule, 'saveToken of a user with no tokens', code, () =>
        store.saveToken(new OAuthToken({ userSignature: 'new.user@example.com', clientId: 'c' })),
      );
      await mustReject(this.rule, 'saveToken of an id with no tokens', code, () =>
        store.saveToken(new OAuthToken({ id: String(stored.id), clientSecret: 'changed' })),
      );
      await mustReject(this.rule, "saveToken of a stored user's name with no tokens", code, () =>
        store.saveToken(new OAuthToken({ userSignature: stored.userName, redirectUrl: 'https://changed.example' })),
      );
      await expectCount(store, this.rule, 1, 'rejected saves');
      await expectStored(store, this.rule, String(stored.id), before, 'rejected saves');
    },
  },
  {
    rule: 'save.no-duplicate-users',
    title: "an update by id that would give a row another row's user name is rejected with TOKEN_CONFLICT",
    async run(store) {
      const alice = await save(store, this.rule, completeToken());
      const bob = await save(store, this.rule, completeToken());
      const bobBefore = fieldsOf(bob);
      await mustReject(this.rule, "saveToken of token 2 under token 1's user name", ErrorCode.TOKEN_CONFLICT, () =>
        store.saveToken(new OAuthToken({ id: String(bob.id), userSignature: alice.userName, accessToken: zohoLikeToken() })),
      );
      await expectCount(store, this.rule, 2, 'a rejected save');
      await expectStored(store, this.rule, String(bob.id), bobBefore, 'a rejected save');
      await expectStored(store, this.rule, String(alice.id), fieldsOf(alice), 'a rejected save');
    },
  },
  {
    rule: 'save.does-not-keep-argument',
    title: 'changing a token after saving it does not change what is stored',
    async run(store) {
      const token = await save(store, this.rule, completeToken());
      const expected = fieldsOf(token);
      token.accessToken = 'changed-after-save';
      token.clientSecret = 'changed-after-save';
      await expectStored(store, this.rule, String(token.id), expected, 'changing the saved object');
    },
  },
];
