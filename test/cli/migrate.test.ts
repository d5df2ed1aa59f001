import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { SQLiteStore } from '../../src/stores/sqlite/index.js';
import { assertNoSecrets, officialFile, officialRow, tempDir, zoho, zohoOnTerminal, type OfficialRowInit } from './_cli.js';
import { SERVER_STORES, skipFor } from './_server-stores.js';
import { asRow, normalized } from './_rows.js';

async function readSqlite(path: string): Promise<OfficialRowInit[]> {
  const store = await SQLiteStore.open({ path });
  try {
    return (await store.getTokens()).map(asRow);
  } finally {
    await store.close();
  }
}

const SUMMARY = /^copied (\d+), updated (\d+), skipped (\d+), failed (\d+)$/m;

function summaryOf(stdout: string): [number, number, number, number] {
  const match = SUMMARY.exec(stdout);
  assert.ok(match, `no summary line in: ${stdout}`);
  return [Number(match[1]), Number(match[2]), Number(match[3]), Number(match[4])];
}

describe('zoho-tokens migrate (binary)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  const rows = Array.from({ length: 25 }, (_, i) => officialRow(i + 1));
  // Values with a quote, spaces and a non-ASCII user: the official format has no quoting, so they are plain text.
  rows[4] = { ...(rows[4] as OfficialRowInit), user: 'zoë "the admin" o\'hara@example.com' };
  rows[5] = { ...(rows[5] as OfficialRowInit), accessToken: '', expiryTime: '', grantToken: '', apiDomain: '' };
  const secrets = rows.flatMap((row) => [row.clientSecret, row.refreshToken, row.accessToken, row.grantToken]);

  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    await writeFile(join(dir, 'sdk_tokens.txt'), officialFile(rows));
  });
  afterEach(() => cleanup());

  it('copies every token with every field and its id, and a second run changes nothing', async () => {
    const first = await zoho(['migrate', '--from', 'file:./sdk_tokens.txt', '--to', 'sqlite:./zohooauth.db'], { cwd: dir });
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(summaryOf(first.stdout), [25, 0, 0, 0]);
    assertNoSecrets(first, secrets);
    const copied = await readSqlite(join(dir, 'zohooauth.db'));
    assert.deepEqual(copied, normalized(rows));

    const second = await zoho(['migrate', '--from', 'file:./sdk_tokens.txt', '--to', 'sqlite:./zohooauth.db'], { cwd: dir });
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(summaryOf(second.stdout), [0, 0, 25, 0]);
    assert.deepEqual(await readSqlite(join(dir, 'zohooauth.db')), copied);
  });

  it('updates a token whose source changed, clearing a field the source no longer has, and keeps the stored id', async () => {
    assert.equal((await zoho(['migrate', '--from', 'sdk_tokens.txt', '--to', 'zohooauth.db'], { cwd: dir })).code, 0);
    const changed = rows.map((row) => ({ ...row }));
    changed[0] = {
      ...(changed[0] as OfficialRowInit),
      accessToken: `1000.${'a'.repeat(32)}.${'b'.repeat(32)}`,
      expiryTime: '1999999999999',
    };
    changed[2] = { ...(changed[2] as OfficialRowInit), grantToken: '' }; // row 3 had a grant token
    // The same user under another id in the source: matched by user, so the stored id stays.
    changed[1] = { ...(changed[1] as OfficialRowInit), id: '77' };
    await writeFile(join(dir, 'sdk_tokens.txt'), officialFile(changed));
    const result = await zoho(['migrate', '--from', 'sdk_tokens.txt', '--to', 'zohooauth.db'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(summaryOf(result.stdout), [0, 2, 23, 0]);
    const stored = await readSqlite(join(dir, 'zohooauth.db'));
    assert.deepEqual(stored[0], normalized([changed[0] as OfficialRowInit])[0]);
    assert.equal(stored[1]?.id, '2');
    assert.equal(stored[2]?.grantToken, '');
    const rerun = await zoho(['migrate', '--from', 'sdk_tokens.txt', '--to', 'zohooauth.db'], { cwd: dir });
    assert.deepEqual(summaryOf(rerun.stdout), [0, 0, 25, 0]);
  });

  it('--dry-run counts what would change and writes nothing', async () => {
    const result = await zoho(['migrate', '--dry-run', '--from', 'sdk_tokens.txt', '--to', 'zohooauth.db'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Dry run, nothing written: would have copied 25, updated 0, skipped 0, failed 0$/m);
    assert.deepEqual(await readSqlite(join(dir, 'zohooauth.db')), []);
  });

  it('draws no progress bar into a pipe, and one on a terminal', async () => {
    const piped = await zoho(['migrate', '--from', 'sdk_tokens.txt', '--to', 'zohooauth.db'], { cwd: dir });
    assert.ok(!piped.stderr.includes('\r') && !piped.stderr.includes('['), `no bar expected: ${JSON.stringify(piped.stderr)}`);
    const onTerminal = await zohoOnTerminal(['migrate', '--from', 'sdk_tokens.txt', '--to', 'other.db'], { cwd: dir });
    assert.equal(onTerminal.code, 0, onTerminal.stdout);
    assert.match(onTerminal.stdout, /copying \[#{30}\] 25\/25 100%/);
    assert.match(onTerminal.stdout, /copied 25, updated 0, skipped 0, failed 0/);
  });

  it('refuses the same store on both sides, and exits 2 without --to', async () => {
    assert.equal((await zoho(['migrate', '--from', 'zohooauth.db', '--to', 'sqlite:zohooauth.db'], { cwd: dir })).code, 2);
    const samePath = await zoho(['migrate', '--from', 'sqlite:./zohooauth.db', '--to', `sqlite:${join(dir, 'zohooauth.db')}`], {
      cwd: dir,
    });
    assert.equal(samePath.code, 2);
    assert.match(samePath.stderr, /name the same store/);
    assert.equal((await zoho(['migrate', '--from', 'zohooauth.db'], { cwd: dir })).code, 2);
  });
});

for (const kind of SERVER_STORES) {
  describe(`zoho-tokens migrate into ${kind.name} (binary)`, async () => {
    const skip = await skipFor(kind);
    let dir: string;
    let cleanup: () => Promise<void>;
    const target = kind.create();
    const rows = Array.from({ length: 20 }, (_, i) => officialRow(i + 1));

    before(async () => {
      ({ dir, cleanup } = await tempDir());
      await writeFile(join(dir, 'sdk_tokens.txt'), officialFile(rows));
    });
    after(async () => {
      await cleanup();
      if (!skip) await target.cleanup();
    });

    it('copies every field, then a second run (and a migrate back) changes nothing', { skip }, async () => {
      const first = await zoho(['migrate', '--from', 'sdk_tokens.txt', '--to', target.location], { cwd: dir });
      assert.equal(first.code, 0, first.stderr);
      assert.deepEqual(summaryOf(first.stdout), [20, 0, 0, 0]);
      assert.deepEqual((await target.readTokens()).map(asRow), normalized(rows));
      const second = await zoho(['migrate', '--from', 'sdk_tokens.txt', '--to', target.location], { cwd: dir });
      assert.deepEqual(summaryOf(second.stdout), [0, 0, 20, 0]);
      const back = await zoho(['migrate', '--from', target.location, '--to', 'sqlite:./back.db'], { cwd: dir });
      assert.deepEqual(summaryOf(back.stdout), [20, 0, 0, 0]);
      assert.deepEqual(await readSqlite(join(dir, 'back.db')), normalized(rows));
    });
  });
}
