import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseStoreLocation } from '../../src/cli/stores/store-location.js';
import { CliError } from '../../src/cli/cli-error.js';
import { ExitCode } from '../../src/cli/exit-codes.js';

const usage = (input: string) => (error: unknown) => {
  assert.ok(error instanceof CliError, `${input}: expected a CliError`);
  assert.equal(error.exitCode, ExitCode.USAGE);
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

  it('reads server URLs with their options, and aliases of the schemes', () => {
    const mysql = parseStoreLocation('mysql://root:s3cret@db.example:3306/zohooauth?table=oauthtoken');
    assert.equal(mysql.scheme, 'mysql');
    assert.equal(mysql.params.get('table'), 'oauthtoken');
    assert.equal(parseStoreLocation('mariadb://db/x').scheme, 'mysql');
    assert.equal(parseStoreLocation('postgresql://db/x').scheme, 'postgres');
    assert.equal(parseStoreLocation('rediss://cache:6380/1?prefix=a:').scheme, 'redis');
  });

  it('never shows a password or a secret-looking option in the display form', () => {
    const location = parseStoreLocation('postgres://app:hunter2hunter2@db:5432/crm?table=t&sslpassword=topsecret');
    assert.ok(!location.display.includes('hunter2'), location.display);
    assert.ok(!location.display.includes('topsecret'), location.display);
    assert.match(location.display, /postgres:\/\/app:\*\*\*\*@db:5432\/crm\?table=t&sslpassword=\*\*\*\*/);
  });

  it('refuses empty locations, unknown schemes and server URLs without a host, as usage errors', () => {
    assert.throws(() => parseStoreLocation(''), usage(''));
    assert.throws(() => parseStoreLocation('mongodb://db/x'), usage('mongodb'));
    assert.throws(() => parseStoreLocation('redis:///0'), usage('redis without host'));
    assert.throws(() => parseStoreLocation('file:'), usage('file without path'));
  });
});

function pick(location: ReturnType<typeof parseStoreLocation>): [string, string | null] {
  return [location.scheme, location.path];
}
