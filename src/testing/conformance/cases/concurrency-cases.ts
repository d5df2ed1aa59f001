import { OAuthToken } from '../../../token/oauth-token.js';
import type { ConformanceCase } from '../conformance-case.js';
import { completeToken, uniqueUser, zohoLikeToken } from '../fixtures.js';
import { expectCount } from '../store-calls.js';
import { ensure, mustSucceed } from '../violation.js';

export const concurrencyCases: ConformanceCase[] = [
  {
    rule: 'concurrency.distinct-users',
    title: 'concurrent saves of distinct users keep every one, with distinct ids',
    async run(store, { concurrency }) {
      const tokens = Array.from({ length: concurrency }, () => completeToken());
      await mustSucceed(this.rule, `${concurrency} concurrent saveToken calls`, () =>
        Promise.all(tokens.map((token) => store.saveToken(token))),
      );
      const listed = await expectCount(store, this.rule, concurrency, `${concurrency} concurrent saves of distinct users`);
      const ids = new Set(listed.map((token) => token.id));
      ensure(this.rule, ids.size === concurrency, `${concurrency} users must have ${concurrency} distinct ids; they have ${ids.size}.`);
      const users = new Set(listed.map((token) => token.userName));
      ensure(
        this.rule,
        tokens.every((token) => users.has(token.userName)),
        'every concurrently saved user must be stored.',
      );
    },
  },
  {
    rule: 'concurrency.same-user',
    title: 'concurrent saves for one user leave one row holding one of the saved values',
    async run(store, { concurrency }) {
      const user = uniqueUser();
      const accessTokens = Array.from({ length: concurrency }, () => zohoLikeToken());
      const tokens = accessTokens.map(
        (accessToken) => new OAuthToken({ userSignature: user, accessToken, refreshToken: 'r', clientId: 'c', clientSecret: 's' }),
      );
      await mustSucceed(this.rule, `${concurrency} concurrent saveToken calls for one user`, () =>
        Promise.all(tokens.map((token) => store.saveToken(token))),
      );
      const [row] = await expectCount(store, this.rule, 1, `${concurrency} concurrent saves for one user`);
      ensure(
        this.rule,
        row !== undefined && accessTokens.includes(String(row.accessToken)),
        'the row must hold one of the saved access tokens.',
      );
      ensure(
        this.rule,
        tokens.every((token) => token.id === row.id),
        'every concurrent save for one user must report the same id.',
      );
    },
  },
];
