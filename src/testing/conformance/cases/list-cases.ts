import { compareIds } from '../../../contract/compare-ids.js';
import type { ConformanceCase } from '../conformance-case.js';
import { completeToken, fieldsOf } from '../fixtures.js';
import { expectCount, expectListedAsSaved, expectStored, listAll, save } from '../store-calls.js';
import { ensure } from '../violation.js';

export const listCases: ConformanceCase[] = [
  {
    rule: 'list.all-ordered-by-id',
    title: 'getTokens returns every token, whole, ordered by id',
    async run(store) {
      const saved = new Map<string, Record<string, unknown>>();
      for (let i = 0; i < 12; i += 1) {
        const token = await save(store, this.rule, completeToken());
        saved.set(String(token.id), fieldsOf(token));
      }
      const listed = await expectCount(store, this.rule, 12, '12 saves');
      const ids = listed.map((token) => String(token.id));
      const sorted = [...ids].sort(compareIds);
      ensure(
        this.rule,
        ids.every((id, i) => id === sorted[i]),
        `getTokens must be ordered by id; got ${ids.join(', ')}.`,
      );
      expectListedAsSaved(this.rule, listed, saved);
    },
  },
  {
    rule: 'list.empty',
    title: 'getTokens of an empty store is an empty array',
    async run(store) {
      await expectCount(store, this.rule, 0, 'nothing was saved');
    },
  },
  {
    rule: 'list.returns-copies',
    title: 'changing a token from getTokens does not change what is stored',
    async run(store) {
      const token = await save(store, this.rule, completeToken());
      const [listed] = await listAll(store, this.rule);
      ensure(this.rule, listed !== undefined, 'getTokens must list the saved token.');
      listed.accessToken = 'changed-by-the-caller';
      await expectStored(store, this.rule, String(token.id), fieldsOf(token), 'changing a listed token');
    },
  },
];
