import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { officialFile, officialRow, tempDir, zoho, zohoOnTerminal } from './_cli.js';

describe('zoho-tokens delete (binary, sqlite store)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  const store = ['--store', 'sqlite:./zohooauth.db'];

  const ids = async () => {
    const listed = await zoho(['list', '--json', ...store], { cwd: dir });
    return (JSON.parse(listed.stdout) as Array<{ id: string }>).map((token) => token.id);
  };

  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    await writeFile(join(dir, 'sdk_tokens.txt'), officialFile([1, 2, 3].map((n) => officialRow(n))));
    const imported = await zoho(['import', 'sdk_tokens.txt', '--to', 'sqlite:./zohooauth.db'], { cwd: dir });
    assert.equal(imported.code, 0, imported.stderr);
  });
  afterEach(() => cleanup());

  it('deletes one token by id or by user and leaves the others', async () => {
    const byId = await zoho(['delete', '2', ...store], { cwd: dir });
    assert.equal(byId.code, 0, byId.stderr);
    assert.equal(byId.stdout, 'Deleted token 2 (user2@example.com) from sqlite:./zohooauth.db.\n');
    const byUser = await zoho(['delete', 'user3@example.com', ...store], { cwd: dir });
    assert.equal(byUser.code, 0, byUser.stderr);
    assert.deepEqual(await ids(), ['1']);
    const again = await zoho(['delete', '2', ...store], { cwd: dir });
    assert.equal(again.code, 3, 'a token that is gone is not found');
  });

  it('refuses --all without --yes when stdin is not a terminal, and deletes nothing', async () => {
    const result = await zoho(['delete', '--all', ...store], { cwd: dir });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /no terminal to ask on\.\nhint: pass --yes/);
    assert.deepEqual(await ids(), ['1', '2', '3']);
  });

  it('deletes everything with --all --yes', async () => {
    const result = await zoho(['delete', '--all', '--yes', ...store], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'Deleted 3 tokens from sqlite:./zohooauth.db.\n');
    assert.deepEqual(await ids(), []);
  });

  it('asks on a terminal: "n" keeps every token (exit 1), "y" deletes them', async () => {
    const declined = await zohoOnTerminal(['delete', '--all', ...store], { cwd: dir, input: 'n\n' });
    assert.match(declined.stdout, /Delete all 3 tokens from sqlite:\.\/zohooauth\.db\? This cannot be undone\. \[y\/N\]/);
    assert.match(declined.stdout, /Nothing was deleted\./);
    assert.equal(declined.code, 1);
    assert.deepEqual(await ids(), ['1', '2', '3']);
    const confirmed = await zohoOnTerminal(['delete', '--all', ...store], { cwd: dir, input: 'y\n' });
    assert.equal(confirmed.code, 0, confirmed.stdout);
    assert.match(confirmed.stdout, /Deleted 3 tokens/);
    assert.deepEqual(await ids(), []);
  });

  it('takes an id or --all, not both, and not neither (usage errors)', async () => {
    assert.equal((await zoho(['delete', '1', '--all', '--yes', ...store], { cwd: dir })).code, 2);
    assert.equal((await zoho(['delete', ...store], { cwd: dir })).code, 2);
    assert.deepEqual(await ids(), ['1', '2', '3']);
  });
});
