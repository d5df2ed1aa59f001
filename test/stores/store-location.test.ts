import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, isTokenStoreError, parseStoreLocation, STORE_SCHEMES } from '../../src/index.js';

const invalid = (input: string) => (error: unknown) => {
  assert.ok(isTokenStoreError(error), `${input}: expected a TokenStoreError`);
  assert.equal(error.code, ErrorCode.INVALID_CONFIG, input);
  assert.ok(!error.message.includes('hunter2'), error.message);
  return true;
};

describe('store locations', () => {
  it('reads file and sqlite locations, bare paths by extension, and the URL form', () => {
    assert.deepEqual(pick(parseStoreLocation('file:./sdk_tokens.txt')), ['file', './sdk_tokens.txt']);
    assert.deepEqual(pick(parseStoreLocation('sqlite:./zohooauth.db')), ['sqlite', './zohooauth.db']);
    assert.deepEqual(pick(parseStoreLocation('sqlite::memory:')), ['sqlite', ':memory:']);
    assert.deepEqual(pick(parseStoreLocation('file:///var/lib/tokens.txt')), ['file', '/var/lib/tokens.txt']);
    assert.deepEqual(pick(parseStoreLocation('./tokens/zohooauth.sqlite3')), ['sqlite', './tokens/zohooauth.sqlite3']);
    assert.deepEqual(pick(parseStoreLocation('tokens.DB')), ['sqlite', 'tokens.DB']);
    assert.deepEqual(pick(parseStoreLocation('sdk_tokens.txt')), ['file', 'sdk_tokens.txt']);
    assert.deepEqual(pick(parseStoreLocation('C:\\tokens\\sdk_tokens.txt')), ['file', 'C:\\tokens\\sdk_tokens.txt']);
  });

  it('reads the in-process stores, memory: and list:', () => {
    assert.deepEqual(pick(parseStoreLocation('memory:')), ['memory', null]);
    assert.deepEqual(pick(parseStoreLocation('LIST:')), ['list', null]);
    assert.equal(parseStoreLocation('memory:').display, 'memory:');
  });

  it('reads server URLs with their options, and aliases of the schemes', () => {
    const mysql = parseStoreLocation('mysql://root:s3cret@db.example:3306/zohooauth?table=oauthtoken');
    assert.equal(mysql.scheme, 'mysql');
    assert.equal(mysql.params.get('table'), 'oauthtoken');
    assert.equal(parseStoreLocation('mariadb://db/x').scheme, 'mysql');
    assert.equal(parseStoreLocation('postgresql://db/x').scheme, 'postgres');
    assert.equal(parseStoreLocation('rediss://cache:6380/1?prefix=a:').scheme, 'redis');
    assert.equal(parseStoreLocation('dynamodb://Zoho_Tokens.v1?region=eu-west-1').url?.hostname, 'Zoho_Tokens.v1');
    assert.deepEqual([...STORE_SCHEMES].sort(), ['dynamodb', 'file', 'list', 'memory', 'mysql', 'postgres', 'redis', 'sqlite']);
  });

  it('never shows a password or a secret-looking option in the display form', () => {
    const location = parseStoreLocation('postgres://app:hunter2hunter2@db:5432/crm?table=t&sslpassword=topsecret');
    assert.ok(!location.display.includes('hunter2'), location.display);
    assert.ok(!location.display.includes('topsecret'), location.display);
    assert.match(location.display, /postgres:\/\/app:\*\*\*\*@db:5432\/crm\?table=t&sslpassword=\*\*\*\*/);
  });

  it('refuses empty locations, unknown schemes, extra text and server URLs without a host, with INVALID_CONFIG', () => {
    for (const input of [
      '',
      '   ',
      'mongodb://u:hunter2@db/x',
      'redis:///0',
      'file:',
      'memory:x',
      'list:?a=b',
      'mysql://u:hunter2@',
      'file://u:hunter2@host/x',
    ]) {
      assert.throws(() => parseStoreLocation(input), invalid(input));
    }
    assert.throws(() => parseStoreLocation(42 as unknown as string), invalid('a number'));
  });
});

function pick(location: ReturnType<typeof parseStoreLocation>): [string, string | null] {
  return [location.scheme, location.path];
}
