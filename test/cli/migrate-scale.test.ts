import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SQLiteStore } from '../../src/stores/sqlite/index.js';
import { officialFile, officialRow, tempDir, zoho } from './_cli.js';
import { asRow, normalized } from './_rows.js';
import { SERVER_STORES, skipFor } from './_server-stores.js';

const COUNT = 10_000;
const rows = Array.from({ length: COUNT }, (_, i) => officialRow(i + 1));

/**
 * The acceptance check of migrate: 10,000 tokens from a file in the official format (no quoting, ten columns) into
 * SQLite, PostgreSQL and Redis keep every field and id, and a second run changes nothing. Targets run side by side
 * (each is a child process waiting mostly on fsync and round trips).
 */
describe(`zoho-tokens migrate of ${COUNT} tokens from an official file (binary)`, { concurrency: 3 }, async () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => {
    ({ dir, cleanup } = await tempDir());
    await writeFile(join(dir, 'sdk_tokens.txt'), officialFile(rows));
  });
  after(() => cleanup());

  const expected = normalized(rows);

  async function migrateTwice(location: string): Promise<void> {
    const first = await zoho(['migrate', '--from', 'file:./sdk_tokens.txt', '--to', location], { cwd: dir });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, new RegExp(`^copied ${COUNT}, updated 0, skipped 0, failed 0$`, 'm'));
    const second = await zoho(['migrate', '--from', 'file:./sdk_tokens.txt', '--to', location], { cwd: dir });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, new RegExp(`^copied 0, updated 0, skipped ${COUNT}, failed 0$`, 'm'));
  }

  it('into SQLite', async () => {
    await migrateTwice('sqlite:./zohooauth.db');
    const store = await SQLiteStore.open({ path: join(dir, 'zohooauth.db') });
    try {
      assert.deepEqual((await store.getTokens()).map(asRow), expected);
    } finally {
      await store.close();
    }
  });

  // DynamoDB: dynalite, in this test process, takes minutes for 10,000 (test/cli/migrate.test.ts covers it).
  for (const kind of SERVER_STORES.filter((candidate) => candidate.name !== 'mysql' && candidate.name !== 'dynamodb')) {
    it(`into ${kind.name}`, async (t) => {
      const skip = await skipFor(kind);
      if (skip) return t.skip(skip);
      const target = kind.create();
      try {
        await migrateTwice(target.location);
        assert.deepEqual((await target.readTokens()).map(asRow), expected);
      } finally {
        await target.cleanup();
      }
    });
  }
});
