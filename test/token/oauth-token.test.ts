import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { ErrorCode, MAX_ID_LENGTH, MAX_TEXT_LENGTH, OAuthToken, TokenArgumentError, UserSignature } from 'zoho-token-store';
import { officialRowToRecord, recordToOfficialRow, OFFICIAL_COLUMNS } from 'zoho-token-store/kernel';

const SECRETS = {
  clientSecret: 'client-secret-value-0123456789abcdef',
  refreshToken: '1000.refresh0123456789abcdef0123456789.abcdef0123456789abcdef0123456789',
  accessToken: '1000.access0123456789abcdef01234567890.abcdef0123456789abcdef0123456789',
  grantToken: '1000.grant0123456789abcdef012345678901.abcdef0123456789abcdef0123456789',
};

describe('OAuthToken', () => {
  it('normalises empty strings and undefined to null', () => {
    const token = new OAuthToken({ clientId: '', accessToken: undefined, userSignature: '' });
    assert.equal(token.clientId, null);
    assert.equal(token.accessToken, null);
    assert.equal(token.userSignature, null);
    assert.equal(token.userName, null);
  });

  it('takes a user name as a string or a UserSignature', () => {
    assert.equal(new OAuthToken({ userSignature: 'ada@example.com' }).userName, 'ada@example.com');
    assert.equal(new OAuthToken({ userSignature: new UserSignature('bob@example.com') }).userName, 'bob@example.com');
  });

  it('rejects values no store can keep, naming the field and never the value', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ accessToken: 'abc\0def' }, /accessToken.*NUL/],
      [{ refreshToken: 'lone \uD800 surrogate' }, /refreshToken.*well-formed/],
      [{ clientId: 42 }, /clientId.*string/],
      [{ expiresAt: -1 }, /expiresAt/],
      [{ expiresAt: 1.5 }, /expiresAt/],
      [{ expiresAt: '1732312345678' }, /expiresAt/],
      [{ expiresAt: Number.NaN }, /expiresAt/],
      [{ expiresAt: Number.MAX_SAFE_INTEGER + 1 }, /expiresAt/],
      [{ apiDomain: 'abc'.repeat(86) }, /apiDomain.*255/],
      [{ userSignature: 'abc'.repeat(86) }, /userSignature.*255/],
      [{ userSignature: new UserSignature('abc\0') }, /userSignature.*NUL/],
      [{ id: 'abc4567890x' }, /id.*10/],
      [{ grantToken: 'reversed \uDC00\uD800' }, /grantToken.*well-formed/],
    ];
    for (const [init, message] of cases) {
      assert.throws(
        () => new OAuthToken(init as never),
        (error: Error & { code?: string }) => {
          assert.ok(error instanceof TypeError);
          assert.equal(error.code, ErrorCode.INVALID_ARGUMENT);
          assert.match(error.message, message);
          assert.ok(!error.message.includes('abc'), 'the message must not echo the value');
          return true;
        },
      );
    }
  });

  it('keeps values at the limits: 255 code points per text field (an astral character counts once), 10 per id', () => {
    const emoji = `${'x'.repeat(254)}🔑`;
    assert.equal(emoji.length, 256);
    assert.equal(new OAuthToken({ refreshToken: emoji }).refreshToken, emoji);
    assert.equal(new OAuthToken({ userSignature: emoji }).userName, emoji);
    assert.equal(new OAuthToken({ id: '1234567890' }).id, '1234567890');
    assert.equal(MAX_TEXT_LENGTH, 255);
    assert.equal(MAX_ID_LENGTH, 10);
  });

  it('keeps well-formed unicode, including astral characters', () => {
    assert.equal(new OAuthToken({ accessToken: 'key 🔑 日本' }).accessToken, 'key 🔑 日本');
  });

  it('masks secrets in toString, util.inspect and JSON.stringify', () => {
    const token = new OAuthToken({ userSignature: 'ada@example.com', clientId: 'client-id', ...SECRETS });
    for (const shown of [String(token), inspect(token), JSON.stringify(token), inspect({ nested: [token] }, { depth: 5 })]) {
      for (const secret of Object.values(SECRETS)) assert.ok(!shown.includes(secret), `a secret leaked into: ${shown}`);
      assert.match(shown, /ada@example\.com/);
      assert.match(shown, /client-id/);
    }
  });

  it('clone and from give independent, validated copies', () => {
    const token = new OAuthToken({ userSignature: 'ada@example.com', ...SECRETS });
    const copy = token.clone();
    copy.accessToken = 'changed';
    assert.equal(token.accessToken, SECRETS.accessToken);
    token.clientId = '' as string;
    assert.equal(OAuthToken.from(token).clientId, null);
  });
});

describe('official columns', () => {
  it('round-trips a record through an official row', () => {
    const record = new OAuthToken({ userSignature: 'ada@example.com', ...SECRETS, expiresAt: 1_732_312_345_678 }).toRecord('7');
    const row = recordToOfficialRow(record);
    assert.deepEqual(Object.keys(row), [...OFFICIAL_COLUMNS]);
    assert.equal(row.expiry_time, '1732312345678');
    assert.deepEqual(officialRowToRecord(row), record);
  });

  it('reads a 9-column legacy row, empty strings as null, and a damaged expiry as null', () => {
    const record = officialRowToRecord({
      id: '3',
      user_name: 'ada@example.com',
      client_id: '',
      client_secret: 's',
      refresh_token: 'r',
      access_token: '',
      grant_token: '',
      expiry_time: 'not-a-number',
      redirect_url: '',
    });
    assert.equal(record.apiDomain, null);
    assert.equal(record.clientId, null);
    assert.equal(record.accessToken, null);
    assert.equal(record.expiresAt, null);
    assert.equal(record.refreshToken, 'r');
  });
});

describe('unknown token fields are refused, not dropped in silence', () => {
  const refusedWith = (init: object, message: RegExp) =>
    assert.throws(
      () => new OAuthToken(init as never),
      (error: unknown) => {
        assert.ok(error instanceof TokenArgumentError, String(error));
        assert.equal(error.code, ErrorCode.INVALID_ARGUMENT);
        assert.match(error.message, message);
        return true;
      },
    );

  it('userName (the getter, not the option) is refused, pointing at userSignature', () => {
    refusedWith(
      { userName: 'ada@example.com', refreshToken: '1000.r' },
      /^OAuthToken: unknown option "userName"; the options are: id, userSignature, .*\. Did you mean "userSignature"\?$/,
    );
  });

  it('near misses name the right field: official column names, another case, a typo', () => {
    refusedWith({ refresh_token: '1000.r' }, /unknown option "refresh_token".*Did you mean "refreshToken"\?/);
    refusedWith({ expiry_time: 1 }, /Did you mean "expiresAt"\?/);
    refusedWith({ apidomain: 'https://www.zohoapis.com' }, /Did you mean "apiDomain"\?/);
    refusedWith({ acessToken: 'x' }, /Did you mean "accessToken"\?/);
    refusedWith({ redirectUri: 'https://app.example.com/cb' }, /Did you mean "redirectUrl"\?/);
    refusedWith({ colour: 'blue' }, /^OAuthToken: unknown option "colour"; the options are: [^?]*\.$/);
    assert.throws(() => OAuthToken.from({ userName: 'ada@example.com' } as never), { code: ErrorCode.INVALID_ARGUMENT });
    assert.throws(() => new OAuthToken(null as never), { code: ErrorCode.INVALID_ARGUMENT });
  });

  it('tokens and their copies still build: clone, from(token), a spread token', () => {
    const token = new OAuthToken({ userSignature: 'ada@example.com', refreshToken: '1000.r', expiresAt: 5 });
    assert.equal(token.clone().userName, 'ada@example.com');
    assert.equal(OAuthToken.from(token).refreshToken, '1000.r');
    assert.equal(new OAuthToken({ ...token, accessToken: '1000.a' }).userName, 'ada@example.com');
  });
});
