import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OAuthToken, type OAuthTokenInit } from 'zoho-token-store';
import { matchKeyOf, saveKeysOf } from 'zoho-token-store/kernel';

const client = { clientId: 'cid', clientSecret: 'cs' };

describe('the matching rule', () => {
  const table: Array<[string, OAuthTokenInit, ReturnType<typeof matchKeyOf>]> = [
    [
      'user name first',
      { userSignature: 'u', accessToken: 'a', ...client, grantToken: 'g', refreshToken: 'r' },
      { field: 'userName', value: 'u' },
    ],
    [
      'access token without client credentials',
      { accessToken: 'a', grantToken: 'g', refreshToken: 'r' },
      { field: 'accessToken', value: 'a' },
    ],
    ['access token with a client id: not by access', { accessToken: 'a', clientId: 'cid' }, null],
    ['access token with a client secret: not by access', { accessToken: 'a', clientSecret: 'cs' }, null],
    ['grant before refresh', { ...client, grantToken: 'g', refreshToken: 'r', accessToken: 'a' }, { field: 'grantToken', value: 'g' }],
    ['refresh with client credentials', { ...client, refreshToken: 'r' }, { field: 'refreshToken', value: 'r' }],
    ['refresh without credentials (the official slip) matches nothing', { refreshToken: 'r' }, null],
    ['refresh with only a client id matches nothing', { clientId: 'cid', refreshToken: 'r' }, null],
    ['grant with only a client secret matches nothing', { clientSecret: 'cs', grantToken: 'g' }, null],
    ['nothing given', {}, null],
    ['only client credentials', client, null],
  ];
  for (const [name, init, expected] of table) {
    it(name, () => assert.deepEqual(matchKeyOf(new OAuthToken(init)), expected));
  }

  it('saveToken tries the id first, then the rule', () => {
    assert.deepEqual(saveKeysOf(new OAuthToken({ id: '9', userSignature: 'u' })), [
      { field: 'id', value: '9' },
      { field: 'userName', value: 'u' },
    ]);
    assert.deepEqual(saveKeysOf(new OAuthToken({ refreshToken: 'r' })), []);
  });
});
