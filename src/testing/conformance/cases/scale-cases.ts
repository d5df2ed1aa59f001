import { OAuthToken } from '../../../token/oauth-token.js';
import type { ConformanceCase } from '../conformance-case.js';
import { completeToken } from '../fixtures.js';
import { expectCount, expectStored } from '../store-calls.js';
import { ensure, mustSucceed } from '../violation.js';

const BATCH = 50;

export const scaleCases: ConformanceCase[] = [
  {
    rule: 'scale.many-tokens',
    title: 'a store holds many tokens, each still found by every key',
    async run(store, { scale }) {
      const tokens = Array.from({ length: scale }, (_, i) => completeToken({ userSignature: `user-${i}@scale.example.com` }));
      for (let start = 0; start < scale; start += BATCH) {
        const batch = tokens.slice(start, start + BATCH);
        await mustSucceed(this.rule, 'saveToken', () => Promise.all(batch.map((token) => store.saveToken(token))));
      }
      await expectCount(store, this.rule, scale, `${scale} saves`);
      const samples = [tokens[0], tokens[Math.floor(scale / 2)], tokens[scale - 1]];
      for (const token of samples) {
        if (!token) continue;
        await expectStored(store, this.rule, String(token.id), { accessToken: token.accessToken }, `${scale} saves`);
        const queries = [
          new OAuthToken({ userSignature: token.userName }),
          new OAuthToken({ accessToken: token.accessToken }),
          new OAuthToken({ clientId: 'c', clientSecret: 's', grantToken: token.grantToken }),
          new OAuthToken({ clientId: 'c', clientSecret: 's', refreshToken: token.refreshToken }),
        ];
        for (const query of queries) {
          const found = await mustSucceed(this.rule, 'findToken', () => store.findToken(query));
          ensure(this.rule, found?.id === token.id, `among ${scale} tokens, findToken must find token ${token.id}; it found ${found?.id}.`);
        }
      }
    },
  },
];
