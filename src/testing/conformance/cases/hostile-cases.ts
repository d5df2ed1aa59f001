import { compareIds } from '../../../contract/compare-ids.js';
import { ErrorCode } from '../../../errors/codes.js';
import { OAuthToken } from '../../../token/oauth-token.js';
import { SECRET_FIELDS, TEXT_FIELDS } from '../../../token/token-fields.js';
import { UserSignature } from '../../../token/user-signature.js';
import type { ConformanceCase } from '../conformance-case.js';
import { completeToken, fieldsOf } from '../fixtures.js';
import { describeValue, expectUnchanged, nullOrRefused, snapshot } from '../hostile-calls.js';
import { HOSTILE_IDS, REJECTED_EXPIRIES, REJECTED_IDS, REJECTED_VALUES } from '../../hostile-values.js';
import { expectCount, expectStored, listAll, save } from '../store-calls.js';
import { ensure, mustReject, mustSucceed } from '../violation.js';

type Mutable = Record<string, unknown>;

/** Every field a caller can set on a token, with how to put a (possibly invalid) value in it by hand. */
const SETTERS: ReadonlyArray<{ field: string; set: (token: OAuthToken, value: unknown) => void }> = [
  { field: 'userSignature', set: (token, value) => (token.userSignature = new UserSignature(value as string)) },
  ...TEXT_FIELDS.map((field) => ({ field, set: (token: OAuthToken, value: unknown) => ((token as unknown as Mutable)[field] = value) })),
];

const LOOKUPS: ReadonlyArray<{ field: string; query: (value: string) => OAuthToken }> = [
  { field: 'userSignature', query: (value) => Object.assign(new OAuthToken(), { userSignature: new UserSignature(value) }) },
  { field: 'accessToken', query: (value) => Object.assign(new OAuthToken(), { accessToken: value }) },
  { field: 'grantToken', query: (value) => Object.assign(new OAuthToken({ clientId: 'c', clientSecret: 's' }), { grantToken: value }) },
  { field: 'refreshToken', query: (value) => Object.assign(new OAuthToken({ clientId: 'c', clientSecret: 's' }), { refreshToken: value }) },
];

export const hostileCases: ConformanceCase[] = [
  {
    rule: 'values.rejected-change-nothing',
    title: 'NUL, lone surrogates, over-long values and bad expiries are refused with INVALID_ARGUMENT in every field, and nothing changes',
    async run(store, { maxSecretBytes }) {
      const stored = await save(store, this.rule, completeToken());
      await save(store, this.rule, completeToken());
      const before = await snapshot(store, this.rule);
      if (maxSecretBytes !== null) {
        // One byte over the store's own secret limit, as one- and as multi-byte characters.
        for (const value of ['x'.repeat(maxSecretBytes + 1), `${'x'.repeat(maxSecretBytes - 1)}é`]) {
          for (const field of SECRET_FIELDS) {
            const fresh = Object.assign(completeToken(), { [field]: value });
            await mustReject(
              this.rule,
              `saveToken of a new token with a ${field} over ${maxSecretBytes} bytes`,
              ErrorCode.INVALID_ARGUMENT,
              () => store.saveToken(fresh),
            );
            const update = Object.assign(new OAuthToken({ id: stored.id, accessToken: 'replaced' }), { [field]: value });
            await mustReject(
              this.rule,
              `saveToken of stored token ${stored.id} with a ${field} over ${maxSecretBytes} bytes`,
              ErrorCode.INVALID_ARGUMENT,
              () => store.saveToken(update),
            );
          }
        }
      }
      for (const value of REJECTED_VALUES) {
        for (const { field, set } of SETTERS) {
          const what = `a ${field} like ${describeValue(value)}`;
          const fresh = completeToken();
          set(fresh, value);
          await mustReject(this.rule, `saveToken of a new token with ${what}`, ErrorCode.INVALID_ARGUMENT, () => store.saveToken(fresh));
          const update = new OAuthToken({ id: stored.id, accessToken: 'replaced' });
          set(update, value);
          await mustReject(this.rule, `saveToken of stored token ${stored.id} with ${what}`, ErrorCode.INVALID_ARGUMENT, () =>
            store.saveToken(update),
          );
        }
        for (const { field, query } of LOOKUPS) {
          await nullOrRefused(this.rule, `findToken by a ${field} like ${describeValue(value)}`, () => store.findToken(query(value)));
        }
      }
      for (const expiresAt of REJECTED_EXPIRIES) {
        const fresh = Object.assign(completeToken(), { expiresAt });
        await mustReject(this.rule, `saveToken with expiresAt ${describeValue(expiresAt)}`, ErrorCode.INVALID_ARGUMENT, () =>
          store.saveToken(fresh),
        );
        const update = Object.assign(new OAuthToken({ id: stored.id, accessToken: 'replaced' }), { expiresAt });
        await mustReject(
          this.rule,
          `saveToken of a stored token with expiresAt ${describeValue(expiresAt)}`,
          ErrorCode.INVALID_ARGUMENT,
          () => store.saveToken(update),
        );
      }
      for (const id of [...REJECTED_IDS, '']) {
        const fresh = Object.assign(completeToken(), { id });
        if (id !== '') {
          await mustReject(this.rule, `saveToken with the id ${describeValue(id)}`, ErrorCode.INVALID_ARGUMENT, () =>
            store.saveToken(fresh),
          );
        }
        await nullOrRefused(this.rule, `findTokenById(${describeValue(id)})`, () => store.findTokenById(id));
        await nullOrRefused(this.rule, `deleteToken(${describeValue(id)})`, () => store.deleteToken(id));
      }
      await expectUnchanged(store, this.rule, before, 'refused saves, lookups and deletes');
    },
  },
  {
    rule: 'values.hostile-ids',
    title: 'ids shaped like SQL, paths or key patterns find and delete only the token with exactly that id, and round-trip verbatim',
    async run(store) {
      const seeds = [];
      for (let i = 0; i < 3; i += 1) seeds.push(await save(store, this.rule, completeToken()));
      const before = await snapshot(store, this.rule);
      for (const id of HOSTILE_IDS) {
        const found = await mustSucceed(this.rule, `findTokenById(${describeValue(id)})`, () => store.findTokenById(id));
        ensure(
          this.rule,
          found === null,
          `findTokenById(${describeValue(id)}) must be null while no token has that id; it found token ${found?.id}.`,
        );
        await mustSucceed(this.rule, `deleteToken(${describeValue(id)})`, () => store.deleteToken(id));
      }
      await expectUnchanged(store, this.rule, before, 'lookups and deletes of ids no token has');

      const saved = new Map<string, Record<string, unknown>>();
      for (const id of HOSTILE_IDS) {
        const token = await save(store, this.rule, completeToken({ id }));
        ensure(
          this.rule,
          token.id === id,
          `saveToken of a new token with id ${describeValue(id)} must keep that id; it set ${describeValue(token.id)}.`,
        );
        saved.set(id, fieldsOf(token));
      }
      const generated = await save(store, this.rule, completeToken());
      ensure(
        this.rule,
        !saved.has(String(generated.id)) && !seeds.some((seed) => seed.id === generated.id),
        `a new token must get an id no token has; it got ${describeValue(generated.id)}.`,
      );
      for (const [id, fields] of saved) await expectStored(store, this.rule, id, fields, `saving a token with id ${describeValue(id)}`);
      const listed = await expectCount(store, this.rule, seeds.length + HOSTILE_IDS.length + 1, 'saving tokens with hostile ids');
      const ids = listed.map((token) => String(token.id));
      ensure(
        this.rule,
        ids.every((id, i) => i === 0 || compareIds(ids[i - 1] as string, id) < 0),
        'getTokens must list hostile ids once each, ordered by id.',
      );
      for (const token of listed) {
        const expected = saved.get(String(token.id));
        if (!expected) continue;
        const actual = fieldsOf(token);
        const wrong = Object.keys(expected).filter((field) => actual[field] !== expected[field]);
        ensure(
          this.rule,
          wrong.length === 0,
          `getTokens returned token ${describeValue(token.id)} with wrong values in: ${wrong.join(', ')}.`,
        );
      }

      await mustSucceed(this.rule, 'deleteToken of the generated id', () => store.deleteToken(String(generated.id)));
      let remaining = listed.length - 1;
      for (const id of HOSTILE_IDS) {
        await mustSucceed(this.rule, `deleteToken(${describeValue(id)})`, () => store.deleteToken(id));
        remaining -= 1;
        await expectCount(store, this.rule, remaining, `deleting the token with id ${describeValue(id)}`);
        const gone = await mustSucceed(this.rule, 'findTokenById', () => store.findTokenById(id));
        ensure(this.rule, gone === null, `token ${describeValue(id)} must be gone after deleteToken.`);
      }
      await expectUnchanged(store, this.rule, before, 'deleting every token with a hostile id');
    },
  },
  {
    rule: 'values.empty-means-absent',
    title: "'' is null in every field: it is stored as null, and in an update it keeps the stored value",
    async run(store) {
      const token = completeToken();
      const stored = fieldsOf(await save(store, this.rule, token));
      const update = new OAuthToken({ id: token.id, accessToken: 'updated' });
      for (const field of TEXT_FIELDS) if (field !== 'accessToken') (update as unknown as Mutable)[field] = '';
      (update as unknown as Mutable).userSignature = '';
      await save(store, this.rule, update);
      await expectStored(store, this.rule, String(token.id), { ...stored, accessToken: 'updated' }, "an update whose other fields are ''");

      const sparse = Object.assign(new OAuthToken({ refreshToken: 'r', clientId: 'c', clientSecret: 's' }), { userSignature: '' });
      for (const field of TEXT_FIELDS)
        if (field !== 'refreshToken' && field !== 'clientId' && field !== 'clientSecret') (sparse as unknown as Mutable)[field] = '';
      await save(store, this.rule, sparse);
      const [listed] = (await listAll(store, this.rule)).filter((candidate) => candidate.id === sparse.id);
      ensure(this.rule, listed !== undefined, `token ${sparse.id} must be listed.`);
      const fields = fieldsOf(listed);
      const notNull = ['userName', 'accessToken', 'grantToken', 'redirectUrl', 'apiDomain', 'expiresAt'].filter(
        (field) => fields[field] !== null,
      );
      ensure(this.rule, notNull.length === 0, `fields saved as '' must read back as null; these did not: ${notNull.join(', ')}.`);
    },
  },
];
