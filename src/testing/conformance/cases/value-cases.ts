import { OAuthToken } from '../../../token/oauth-token.js';
import type { LookupField } from '../../../contract/matching-rule.js';
import type { ConformanceCase } from '../conformance-case.js';
import { HOSTILE_VALUES, LIMIT_VALUES } from '../../hostile-values.js';
import { describeValue, fitBytes, tokenFilledWith } from '../hostile-calls.js';
import { completeToken, fieldsOf } from '../fixtures.js';
import { expectListedAsSaved, expectStored, listAll, save } from '../store-calls.js';
import { ensure, mustSucceed } from '../violation.js';

const CLIENT = ['clientId', 'clientSecret'];
const LOOKUPS: ReadonlyArray<{ field: LookupField; secret: boolean; query: (value: string) => OAuthToken; ownFields: readonly string[] }> =
  [
    { field: 'userName', secret: false, query: (value) => new OAuthToken({ userSignature: value }), ownFields: [] },
    { field: 'accessToken', secret: true, query: (value) => new OAuthToken({ accessToken: value }), ownFields: [] },
    {
      field: 'grantToken',
      secret: true,
      query: (value) => new OAuthToken({ grantToken: value, clientId: 'c', clientSecret: 's' }),
      ownFields: CLIENT,
    },
    {
      field: 'refreshToken',
      secret: true,
      query: (value) => new OAuthToken({ refreshToken: value, clientId: 'c', clientSecret: 's' }),
      ownFields: CLIENT,
    },
  ];

export const valueCases: ConformanceCase[] = [
  {
    rule: 'values.verbatim',
    title: 'SQL, CSV and Redis metacharacters, line breaks, unicode and values at the length limit round-trip verbatim in every field',
    async run(store, { maxSecretBytes }) {
      const values = [...HOSTILE_VALUES, ...LIMIT_VALUES];
      const saved = new Map<string, Record<string, unknown>>();
      for (const [i, hostile] of values.entries()) {
        // The bare value in every field, user name included, so that leading and trailing characters stay at the ends.
        const token = await save(store, this.rule, tokenFilledWith(hostile, 1_732_312_345_000 + i, maxSecretBytes));
        const what = `a value like ${describeValue(hostile)}`;
        saved.set(String(token.id), fieldsOf(token));
        await expectStored(store, this.rule, String(token.id), fieldsOf(token), `saving ${what}`);
        for (const lookup of LOOKUPS) {
          const found = await mustSucceed(this.rule, `findToken by ${lookup.field}`, () =>
            store.findToken(lookup.query(lookup.secret ? fitBytes(hostile, maxSecretBytes) : hostile)),
          );
          ensure(this.rule, found?.id === token.id, `findToken by ${lookup.field} must find ${what}; it found ${found?.id}.`);
          // The query's own client id and secret take precedence over the stored ones; every other field is the stored value.
          const actual = fieldsOf(found);
          const wrong = Object.entries(fieldsOf(token)).filter(
            ([field, value]) => !lookup.ownFields.includes(field) && actual[field] !== value,
          );
          ensure(
            this.rule,
            wrong.length === 0,
            `findToken by ${lookup.field} returned ${what} with wrong values in: ${wrong.map(([field]) => field).join(', ')}.`,
          );
        }
      }
      const listed = await listAll(store, this.rule);
      ensure(
        this.rule,
        listed.length === values.length,
        `every hostile value must be stored once; ${listed.length} rows for ${values.length}.`,
      );
      expectListedAsSaved(this.rule, listed, saved);
    },
  },
  {
    rule: 'values.exact-match',
    title: 'lookups match exactly: values differing only in letter case or trailing spaces are different keys',
    async run(store) {
      const variants = ['Ada@Example.com', 'ada@example.com', 'ada@example.com ', ' ada@example.com'];
      const saved = [];
      for (const name of variants) {
        saved.push(
          await save(
            store,
            this.rule,
            new OAuthToken({ userSignature: name, accessToken: `${name}|access`, clientId: 'c', clientSecret: 's' }),
          ),
        );
      }
      const ids = new Set(saved.map((token) => token.id));
      ensure(
        this.rule,
        ids.size === variants.length,
        `${variants.length} user names differing in case or spaces must be ${variants.length} rows; they are ${ids.size}.`,
      );
      for (const token of saved) {
        const byUser = await mustSucceed(this.rule, 'findToken by user name', () =>
          store.findToken(new OAuthToken({ userSignature: token.userName })),
        );
        ensure(
          this.rule,
          byUser?.id === token.id && byUser.userName === token.userName,
          `findToken by user name ${JSON.stringify(token.userName)} found token ${byUser?.id}, not ${token.id}.`,
        );
        const byAccess = await mustSucceed(this.rule, 'findToken by access token', () =>
          store.findToken(new OAuthToken({ accessToken: token.accessToken })),
        );
        ensure(
          this.rule,
          byAccess?.id === token.id,
          `findToken by an access token differing only in case or spaces found token ${byAccess?.id}, not ${token.id}.`,
        );
      }
    },
  },
  {
    rule: 'values.empty-is-null',
    title: 'fields saved empty or absent read back as null, never as "" or "null"',
    async run(store) {
      const token = new OAuthToken({ userSignature: 'sparse@example.com', refreshToken: 'r', clientId: 'c', clientSecret: 's' });
      token.redirectUrl = '';
      token.apiDomain = '';
      await save(store, this.rule, token);
      const expected = { ...fieldsOf(token), redirectUrl: null, apiDomain: null, accessToken: null, grantToken: null, expiresAt: null };
      await expectStored(store, this.rule, String(token.id), expected, 'saving empty and absent fields');
      const [listed] = await listAll(store, this.rule);
      const nulls = Object.entries(fieldsOf(listed as OAuthToken)).filter(([, value]) => value === null).length;
      ensure(this.rule, nulls === 5, `getTokens must return the 5 empty fields as null; ${nulls} are null.`);
    },
  },
  {
    rule: 'values.expiry-exact',
    title: 'the expiry round-trips as the same whole number of epoch milliseconds',
    async run(store) {
      for (const expiresAt of [0, 1_732_312_345_678, Number.MAX_SAFE_INTEGER]) {
        const token = await save(store, this.rule, completeToken({ expiresAt }));
        const stored = await expectStored(store, this.rule, String(token.id), { expiresAt }, `saving expiry ${expiresAt}`);
        ensure(this.rule, typeof stored.expiresAt === 'number', `expiresAt must read back as a number, got ${typeof stored.expiresAt}.`);
      }
    },
  },
];
