// A dry run writes nothing anywhere, a command that fails before it has a token to save creates nothing, and a
// command that works on stored tokens never creates a server store's table: a missing one is STORE_NOT_FOUND.
// Stored values with control characters are printed escaped, never raw.
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { SQLiteStore } from '../../src/stores/sqlite/index.js';
import { OAuthToken } from '../../src/token/oauth-token.js';
import { freePort, startEmulator } from './_emulator-fixture.js';
import { officialFile, officialRow, tempDir, zoho } from './_cli.js';
import { SERVER_STORES, skipFor } from './_server-stores.js';

/** True when `text` holds a control character other than a line feed (or a bidi override). */
const hasControl = (text: string): boolean =>
  [...text].some((char) => {
    const code = char.codePointAt(0) ?? 0;
    return (code < 0x20 && char !== '\n') || (code >= 0x7f && code <= 0x9f) || code === 0x202e;
  });

const errorCode = (stdout: string): string => (JSON.parse(stdout) as { error: { code: string } }).error.code;

describe('commands create no store they have nothing to write to (binary)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it('import --dry-run and migrate --dry-run into a missing file or SQLite database create no file', async () => {
    await writeFile(join(dir, 'sdk_tokens.txt'), officialFile([officialRow(1), officialRow(2)]));
    const imported = await zoho(['import', 'sdk_tokens.txt', '--dry-run', '--to', 'sqlite:./l4.db'], { cwd: dir });
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /^Dry run, nothing written: would have copied 2, updated 0, skipped 0, failed 0\n$/);
    const source = await zoho(['import', 'sdk_tokens.txt', '--to', 'sqlite:./z.db'], { cwd: dir });
    assert.equal(source.code, 0, source.stderr);
    for (const to of ['sqlite:./new.db', 'file:./new.txt', './new.sqlite']) {
      const dry = await zoho(['migrate', '--dry-run', '--from', 'sqlite:./z.db', '--to', to, '--json'], { cwd: dir });
      assert.equal(dry.code, 0, dry.stderr);
      assert.equal((JSON.parse(dry.stdout) as { copied: number }).copied, 2);
    }
    assert.deepEqual((await readdir(dir)).sort(), ['sdk_tokens.txt', 'z.db']);
  });

  describe('login that fails', () => {
    let setup: Awaited<ReturnType<typeof startEmulator>>;
    before(async () => (setup = await startEmulator()));
    after(() => setup.emulator.close());

    it('an invalid redirect URI, a refused --code or a timeout: exits non-zero and creates no database', async () => {
      const bad = await zoho(['login', '--code', '1000.x', '--redirect-uri', 'notauri', '--store', './a.db'], { cwd: dir, env: setup.env });
      assert.equal(bad.code, 2, bad.stderr);
      assert.match(bad.stderr, /\[INVALID_CONFIG\]/);
      const refused = await zoho(['login', '--code', '1000.not.a.real.code', '--store', 'sqlite:./b.db'], { cwd: dir, env: setup.env });
      assert.equal(refused.code, 4, refused.stderr);
      const port = await freePort();
      const timeout = await zoho(['login', '--timeout', '1', '--port', String(port), '--store', './c.db'], {
        cwd: dir,
        env: { ...setup.env, ZOHO_TOKENS_REDIRECT_URI: '' },
      });
      assert.equal(timeout.code, 1, timeout.stderr);
      assert.match(timeout.stderr, /No authorization arrived within 1 s/);
      assert.deepEqual(await readdir(dir), []);
    });
  });

  it('a stored value with control characters is printed escaped by list, show and errors', async () => {
    const store = await SQLiteStore.open({ path: join(dir, 'esc.db') });
    const token = OAuthToken.from({
      userSignature: 'evil\x1b[2J\x1b[31mRED\r\nfake line',
      clientId: '1000.A\x07',
      refreshToken: '1000.refresh',
      apiDomain: 'https://www.zohoapis.com\u202e',
    });
    await store.saveToken(token);
    await store.close();
    const listed = await zoho(['list', '--store', 'sqlite:./esc.db'], { cwd: dir });
    assert.equal(listed.code, 0, listed.stderr);
    const shown = await zoho(['show', '1', '--store', 'sqlite:./esc.db'], { cwd: dir });
    assert.equal(shown.code, 0, shown.stderr);
    const missing = await zoho(['show', 'evil\x1b[2J\r\nx', '--store', 'sqlite:./esc.db'], { cwd: dir });
    assert.equal(missing.code, 3);
    for (const output of [listed.stdout, shown.stdout, missing.stderr]) {
      assert.ok(!hasControl(output), JSON.stringify(output));
    }
    assert.equal(listed.stdout.split('\n').length, 3, 'a header, one row and the final line end');
    assert.ok(listed.stdout.includes('evil\\u001b[2J\\u001b[31mRED\\r\\nfake line'), listed.stdout);
    assert.ok(listed.stdout.includes('1000.A\\u0007'), listed.stdout);
    assert.match(shown.stdout, /^user {10}evil\\u001b\[2J\\u001b\[31mRED\\r\\nfake line$/m);
    assert.match(shown.stdout, /^api domain {4}https:\/\/www\.zohoapis\.com\\u202e$/m);
    assert.match(missing.stderr, /^zoho-tokens: No token with id or user "evil\\u001b\[2J\\r\\nx"/);
    // --json was escaped by JSON already, and still parses to the stored value.
    const json = await zoho(['list', '--json', '--store', 'sqlite:./esc.db'], { cwd: dir });
    assert.ok(!hasControl(json.stdout), json.stdout);
    assert.equal((JSON.parse(json.stdout) as Array<{ user: string }>)[0]?.user, token.userName);
  });
});

for (const kind of SERVER_STORES) {
  describe(`${kind.name}: a table that does not exist (binary)`, async () => {
    const skip = await skipFor(kind);
    let dir: string;
    let cleanup: () => Promise<void>;
    beforeEach(async () => ({ dir, cleanup } = await tempDir()));
    afterEach(() => cleanup());

    it('list, show, delete and reencrypt refuse it with STORE_NOT_FOUND; a dry-run migrate into it creates it not', { skip }, async () => {
      const target = kind.create();
      try {
        if (kind.name === 'redis') {
          // Redis has no table: an unused prefix is an empty store, and reading it writes nothing.
          const listed = await zoho(['list', '--store', target.location], { cwd: dir });
          assert.equal(listed.code, 0, listed.stderr);
          assert.deepEqual(await target.readTokens(), []);
          return;
        }
        const env = { ZOHO_TOKENS_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}` };
        for (const command of [['list'], ['show', '1'], ['delete', '1'], ['reencrypt']]) {
          const result = await zoho([...command, '--store', target.location], { cwd: dir, env });
          assert.equal(result.code, 2, `${command.join(' ')}: ${result.stderr}`);
          assert.match(result.stderr, /^zoho-tokens: No store at \S+: .*does not exist\.\nhint: check the location/);
          const json = await zoho([...command, '--json', '--store', target.location], { cwd: dir, env });
          assert.equal(json.code, 2);
          assert.equal(errorCode(json.stdout), 'STORE_NOT_FOUND');
        }
        const asked = await zoho(['list', '--store', `${target.location}${target.location.includes('?') ? '&' : '?'}createTable=true`], {
          cwd: dir,
        });
        assert.equal(asked.code, 2, asked.stderr);
        await writeFile(join(dir, 'sdk_tokens.txt'), officialFile([officialRow(1)]));
        const dry = await zoho(['import', 'sdk_tokens.txt', '--dry-run', '--to', target.location], { cwd: dir });
        assert.equal(dry.code, 0, dry.stderr);
        assert.match(dry.stdout, /would have copied 1,/);
        await zoho(['import', 'sdk_tokens.txt', '--to', './z.db'], { cwd: dir });
        const migrated = await zoho(['migrate', '--dry-run', '--from', './z.db', '--to', target.location], { cwd: dir });
        assert.equal(migrated.code, 0, migrated.stderr);
        // Still no table: list says so, rather than "No tokens".
        const after = await zoho(['list', '--json', '--store', target.location], { cwd: dir });
        assert.equal(after.code, 2, after.stdout);
        assert.equal(errorCode(after.stdout), 'STORE_NOT_FOUND');
      } finally {
        await target.cleanup();
      }
    });
  });
}
