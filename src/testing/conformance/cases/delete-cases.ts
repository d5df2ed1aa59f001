import { OAuthToken } from '../../../token/oauth-token.js';
import type { ConformanceCase } from '../conformance-case.js';
import { completeToken, fieldsOf } from '../fixtures.js';
import { expectCount, expectStored, save } from '../store-calls.js';
import { ensure, mustSucceed } from '../violation.js';

export const deleteCases: ConformanceCase[] = [
  {
    rule: 'delete.one',
    title: 'deleteToken removes that token only',
    async run(store) {
      const gone = await save(store, this.rule, completeToken());
      const kept = await save(store, this.rule, completeToken());
      await mustSucceed(this.rule, 'deleteToken', () => store.deleteToken(String(gone.id)));
      await expectCount(store, this.rule, 1, 'deleting one of two tokens');
      const found = await mustSucceed(this.rule, 'findTokenById', () => store.findTokenById(String(gone.id)));
      ensure(this.rule, found === null, `token ${gone.id} must be gone after deleteToken.`);
      const byUser = await mustSucceed(this.rule, 'findToken', () => store.findToken(new OAuthToken({ userSignature: gone.userName })));
      ensure(this.rule, byUser === null, 'a deleted token must not be found by its user name.');
      await expectStored(store, this.rule, String(kept.id), fieldsOf(kept), 'deleting another token');
    },
  },
  {
    rule: 'delete.unknown-id',
    title: 'deleteToken of an id that is not stored resolves and changes nothing',
    async run(store) {
      const kept = await save(store, this.rule, completeToken());
      await mustSucceed(this.rule, 'deleteToken of an unknown id', () => store.deleteToken('987654321'));
      await mustSucceed(this.rule, 'deleteToken of the same id twice', async () => {
        await store.deleteToken(String(kept.id));
        await store.deleteToken(String(kept.id));
      });
      await expectCount(store, this.rule, 0, 'deleting the only token twice');
    },
  },
  {
    rule: 'delete.all',
    title: 'deleteTokens removes every token and the store stays usable',
    async run(store) {
      for (let i = 0; i < 5; i += 1) await save(store, this.rule, completeToken());
      await mustSucceed(this.rule, 'deleteTokens', () => store.deleteTokens());
      await expectCount(store, this.rule, 0, 'deleteTokens');
      const again = await save(store, this.rule, completeToken());
      await expectCount(store, this.rule, 1, 'a save after deleteTokens');
      await expectStored(store, this.rule, String(again.id), fieldsOf(again), 'a save after deleteTokens');
      await mustSucceed(this.rule, 'deleteTokens of an empty store', async () => {
        await store.deleteTokens();
        await store.deleteTokens();
      });
    },
  },
];
