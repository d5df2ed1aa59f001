import { OAuthToken } from '../../../token/oauth-token.js';
import type { TokenStore } from '../../../contract/token-store.js';
import type { ConformanceCase } from '../conformance-case.js';
import { completeToken, differingFields, fieldsOf } from '../fixtures.js';
import { ensure, mustSucceed } from '../violation.js';
import { save } from '../store-calls.js';

async function expectFound(store: TokenStore, rule: string, query: OAuthToken, expected: OAuthToken, how: string) {
  const found = await mustSucceed(rule, `findToken ${how}`, () => store.findToken(query));
  ensure(rule, found !== null && found !== undefined, `findToken ${how} must find the stored token; it returned ${String(found)}.`);
  ensure(rule, found.id === expected.id, `findToken ${how} must find token ${expected.id}; it found token ${found.id}.`);
  return found;
}

async function expectNone(store: TokenStore, rule: string, query: OAuthToken, how: string) {
  const found = await mustSucceed(rule, `findToken ${how}`, () => store.findToken(query));
  ensure(rule, found === null, `findToken ${how} must resolve to null; it found token ${found?.id}.`);
}

export const findCases: ConformanceCase[] = [
  {
    rule: 'find.by-user-name',
    title: 'a token with a user name matches the stored token of that user',
    async run(store) {
      const token = await save(store, this.rule, completeToken());
      await save(store, this.rule, completeToken());
      await expectFound(store, this.rule, new OAuthToken({ userSignature: token.userName }), token, 'by user name');
    },
  },
  {
    rule: 'find.by-access-token',
    title: 'an access token without client id or secret matches on the access token',
    async run(store) {
      const token = await save(store, this.rule, completeToken());
      await save(store, this.rule, completeToken());
      await expectFound(store, this.rule, new OAuthToken({ accessToken: token.accessToken }), token, 'by access token');
    },
  },
  {
    rule: 'find.access-token-only-without-client',
    title: 'an access token given with a client id or secret is not matched on the access token',
    async run(store) {
      const token = await save(store, this.rule, completeToken());
      const how = 'with an access token and a client id (and no refresh or grant token)';
      await expectNone(store, this.rule, new OAuthToken({ accessToken: token.accessToken, clientId: token.clientId }), how);
      await expectNone(
        store,
        this.rule,
        new OAuthToken({ accessToken: token.accessToken, clientSecret: token.clientSecret }),
        'with an access token and a client secret',
      );
    },
  },
  {
    rule: 'find.by-grant-token',
    title: 'a grant token with client id and secret matches on the grant token',
    async run(store) {
      const token = await save(store, this.rule, completeToken());
      await save(store, this.rule, completeToken());
      const query = new OAuthToken({ clientId: 'any-client', clientSecret: 'any-secret', grantToken: token.grantToken });
      await expectFound(store, this.rule, query, token, 'by grant token');
    },
  },
  {
    rule: 'find.by-refresh-token',
    title: 'a refresh token with client id and secret matches on the refresh token',
    async run(store) {
      const token = await save(store, this.rule, completeToken());
      await save(store, this.rule, completeToken());
      const query = new OAuthToken({ clientId: 'any-client', clientSecret: 'any-secret', refreshToken: token.refreshToken });
      await expectFound(store, this.rule, query, token, 'by refresh token');
    },
  },
  {
    rule: 'find.refresh-needs-client-credentials',
    title: 'a refresh or grant token without both client id and secret matches nothing',
    async run(store) {
      const token = await save(store, this.rule, completeToken());
      await expectNone(store, this.rule, new OAuthToken({ refreshToken: token.refreshToken }), 'with only a refresh token');
      await expectNone(
        store,
        this.rule,
        new OAuthToken({ refreshToken: token.refreshToken, clientId: token.clientId }),
        'with a refresh token and a client id but no secret',
      );
      await expectNone(
        store,
        this.rule,
        new OAuthToken({ grantToken: token.grantToken, clientSecret: token.clientSecret }),
        'with a grant token and a client secret but no id',
      );
    },
  },
  {
    rule: 'find.user-before-tokens',
    title: 'the user name wins over access, grant and refresh tokens',
    async run(store) {
      const mine = await save(store, this.rule, completeToken());
      const other = await save(store, this.rule, completeToken());
      await expectFound(
        store,
        this.rule,
        new OAuthToken({ userSignature: mine.userName, accessToken: other.accessToken }),
        mine,
        "with one user's name and another's access token",
      );
      await expectFound(
        store,
        this.rule,
        new OAuthToken({
          userSignature: mine.userName,
          clientId: other.clientId,
          clientSecret: other.clientSecret,
          grantToken: other.grantToken,
          refreshToken: other.refreshToken,
        }),
        mine,
        "with one user's name and another's grant and refresh tokens",
      );
      await expectNone(
        store,
        this.rule,
        new OAuthToken({ userSignature: 'nobody@example.com', accessToken: other.accessToken }),
        "with an unknown user's name and a stored access token",
      );
    },
  },
  {
    rule: 'find.grant-before-refresh',
    title: 'with both a grant and a refresh token, the grant token decides',
    async run(store) {
      const first = await save(store, this.rule, completeToken());
      const second = await save(store, this.rule, completeToken());
      const query = new OAuthToken({
        clientId: 'any-client',
        clientSecret: 'any-secret',
        grantToken: second.grantToken,
        refreshToken: first.refreshToken,
      });
      await expectFound(store, this.rule, query, second, "with one token's grant token and another's refresh token");
      const unknownGrant = new OAuthToken({
        clientId: 'any-client',
        clientSecret: 'any-secret',
        grantToken: 'unknown-grant',
        refreshToken: first.refreshToken,
      });
      await expectNone(store, this.rule, unknownGrant, 'with an unknown grant token and a stored refresh token');
    },
  },
  {
    rule: 'find.no-match-is-null',
    title: 'findToken resolves to null when nothing matches or nothing can be matched',
    async run(store) {
      await save(store, this.rule, completeToken());
      await expectNone(store, this.rule, new OAuthToken({ userSignature: 'nobody@example.com' }), 'with an unknown user');
      await expectNone(store, this.rule, new OAuthToken({ accessToken: 'unknown-access' }), 'with an unknown access token');
      await expectNone(store, this.rule, new OAuthToken(), 'with an empty token');
      await expectNone(store, this.rule, new OAuthToken({ clientId: 'c', clientSecret: 's' }), 'with only client credentials');
    },
  },
  {
    rule: 'find.merges-stored-values',
    title: 'the found token keeps the fields the caller set and takes the rest from the store',
    async run(store) {
      const stored = await save(store, this.rule, completeToken());
      const query = new OAuthToken({ userSignature: stored.userName, redirectUrl: 'https://caller.example/cb' });
      const before = fieldsOf(query);
      const found = await expectFound(store, this.rule, query, stored, 'by user name');
      const { userName, ...fields } = fieldsOf(stored);
      const expected = OAuthToken.from({ ...fields, userSignature: userName as string | null, redirectUrl: 'https://caller.example/cb' });
      const wrong = differingFields(found, expected);
      ensure(this.rule, wrong.length === 0, `the found token has wrong values in: ${wrong.join(', ')}.`);
      const changed = Object.keys(before).filter((field) => fieldsOf(query)[field] !== before[field]);
      ensure(this.rule, changed.length === 0, `findToken must not change its argument; it changed: ${changed.join(', ')}.`);
    },
  },
  {
    rule: 'find.returns-copies',
    title: 'changing a returned token does not change what is stored',
    async run(store) {
      const stored = await save(store, this.rule, completeToken());
      const expected = fieldsOf(stored);
      const query = new OAuthToken({ userSignature: stored.userName });
      const first = await expectFound(store, this.rule, query, stored, 'by user name');
      first.accessToken = 'changed-by-the-caller';
      first.expiresAt = 1;
      const byId = await mustSucceed(this.rule, 'findTokenById', () => store.findTokenById(String(stored.id)));
      ensure(this.rule, byId !== null, 'findTokenById must find a saved token.');
      byId.refreshToken = 'changed-by-the-caller';
      const again = await expectFound(store, this.rule, query, stored, 'by user name, again');
      const actual = fieldsOf(again);
      const wrong = Object.keys(expected).filter((field) => actual[field] !== expected[field]);
      ensure(this.rule, wrong.length === 0, `changing a returned token changed the stored one: ${wrong.join(', ')}.`);
    },
  },
  {
    rule: 'find-by-id.found',
    title: 'findTokenById returns the whole stored token',
    async run(store) {
      const stored = await save(store, this.rule, completeToken());
      await save(store, this.rule, completeToken());
      const found = await mustSucceed(this.rule, 'findTokenById', () => store.findTokenById(String(stored.id)));
      ensure(this.rule, found !== null && found !== undefined, 'findTokenById must find a saved token.');
      ensure(this.rule, found.id === stored.id, `findTokenById(${stored.id}) returned token ${found.id}.`);
      const wrong = differingFields(found, stored);
      ensure(this.rule, wrong.length === 0, `findTokenById returned wrong values in: ${wrong.join(', ')}.`);
    },
  },
  {
    rule: 'find-by-id.unknown-is-null',
    title: 'findTokenById resolves to null for an id that is not stored',
    async run(store) {
      await save(store, this.rule, completeToken());
      const found = await mustSucceed(this.rule, 'findTokenById of an unknown id', () => store.findTokenById('987654321'));
      ensure(this.rule, found === null, `findTokenById of an unknown id must resolve to null; it returned ${String(found)}.`);
    },
  },
];
