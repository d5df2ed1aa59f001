// Store locations with hostile names: a usage error (exit 2) on one line, and nothing created on disk or server.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { skipUnless } from '../_services.js';
import { admin as mysqlAdmin, uniqueDatabaseName } from '../stores/_mysql-databases.js';
import { adminPool, uniqueName } from '../stores/_postgres.js';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { tempDir, zoho } from './_cli.js';

const mysqlSkip = await skipUnless('mariadb');
const postgresSkip = await skipUnless('postgres');
const redisSkip = await skipUnless('redis');

describe('zoho-tokens with a hostile store location', () => {
  let dir = '';
  let cleanup: () => Promise<void> = async () => undefined;
  before(async () => ({ dir, cleanup } = await tempDir()));
  after(() => cleanup());

  const refused = async (location: string) => {
    const result = await zoho(['list', '--store', location], { cwd: dir });
    assert.equal(result.code, ExitCode.USAGE, `${location}: ${result.stderr}`);
    assert.equal(result.stderr.trim().split('\n')[0]?.startsWith('zoho-tokens:'), true, result.stderr);
    assert.doesNotMatch(result.stderr, /hunter2/);
    return result;
  };

  test('file and sqlite paths: a directory, a missing folder', async () => {
    mkdirSync(join(dir, 'a-folder'));
    await refused('sqlite:./a-folder');
    await refused('sqlite:./missing/zohooauth.db');
    await refused('file:./a-folder');
    assert.deepEqual(readdirSync(dir), ['a-folder']);
    assert.deepEqual(readdirSync(join(dir, 'a-folder')), []);
  });

  test('memory: and list:, whose tokens would be lost when the command ends', async () => {
    await refused('memory:');
    await refused('list:');
  });

  test('MySQL: a hostile table name or an unknown option creates no database', { skip: mysqlSkip }, async () => {
    const database = uniqueDatabaseName('cli');
    await refused(`mysql://root:hunter2@127.0.0.1:3306/${database}?table=${encodeURIComponent('x`; DROP TABLE y; --')}`);
    await refused(`mysql://root@127.0.0.1:3306/${database}?tabel=oauthtoken`);
    const found = await mysqlAdmin<unknown[]>('SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [database]);
    assert.equal(found.length, 0);
  });

  test('PostgreSQL: a hostile schema or table name creates no schema', { skip: postgresSkip }, async () => {
    const schema = uniqueName('cli');
    await refused(
      `postgres://postgres:hunter2@127.0.0.1:5432/test?schema=${schema}&table=${encodeURIComponent('a"; DROP SCHEMA public; --')}`,
    );
    await refused(`postgres://postgres@127.0.0.1:5432/test?schema=${encodeURIComponent(`${schema}.x`)}`);
    const pool = adminPool();
    try {
      assert.equal((await pool.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount, 0);
    } finally {
      await pool.end();
    }
  });

  test('Redis: a key prefix with glob characters or spaces', { skip: redisSkip }, async () => {
    await refused(`redis://127.0.0.1:6379?prefix=${encodeURIComponent('zoho:*')}`);
    await refused(`redis://127.0.0.1:6379?prefix=${encodeURIComponent('has space:')}`);
  });
});
