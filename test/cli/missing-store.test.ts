// Commands that work on stored tokens never create a store: a file or SQLite location that does not exist is a
// typed "not found" (STORE_NOT_FOUND, exit 2; doctor reports it as a failed check), and no file appears. Only the
// commands that add tokens (login, import --to, migrate --to) create their target.
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { officialFile, officialRow, tempDir, zoho } from './_cli.js';
import { startEmulator } from './_emulator-fixture.js';

describe('a store location whose file does not exist (binary)', () => {
  let setup: Awaited<ReturnType<typeof startEmulator>>;
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => (setup = await startEmulator()));
  after(() => setup.emulator.close());
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  const COMMANDS: ReadonlyArray<readonly string[]> = [
    ['list'],
    ['show', '1'],
    ['refresh', '1'],
    ['revoke', '1'],
    ['delete', '1'],
    ['delete', '--all', '--yes'],
    ['reencrypt'],
  ];

  for (const location of ['./typo.db', 'sqlite:./typo.sqlite', 'file:./typo.txt', './typo.txt']) {
    it(`${location}: list, show, refresh, revoke, delete and reencrypt refuse it with STORE_NOT_FOUND (exit 2) and create nothing`, async () => {
      for (const command of COMMANDS) {
        const env = { ...setup.env, ZOHO_TOKENS_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}` };
        const result = await zoho([...command, '--store', location], { cwd: dir, env });
        assert.equal(result.code, 2, `${command.join(' ')}: ${result.stderr}`);
        assert.equal(result.stdout, '');
        assert.match(
          result.stderr,
          /^zoho-tokens: No store at \S+: the file \S+ does not exist\.\nhint: check the path; only login, import --to and migrate --to create a store\n$/,
        );
        const json = await zoho([...command, '--store', location, '--json'], { cwd: dir, env });
        assert.equal(json.code, 2);
        assert.equal((JSON.parse(json.stdout) as { error: { code: string } }).error.code, 'STORE_NOT_FOUND');
      }
      assert.deepEqual(await readdir(dir), [], 'no file was created');
    });
  }

  it('doctor reports it as a failed store check (exit 1), and creates nothing', async () => {
    const result = await zoho(['doctor', '--no-refresh', '--store', './typo.db'], { cwd: dir, env: setup.env });
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^FAIL {2}store {13}No store at sqlite:\.\/typo\.db: the file \.\/typo\.db does not exist\.$/m);
    assert.deepEqual(await readdir(dir), []);
  });

  it('migrate and import: a missing source is refused (exit 2) and neither side is created; a missing --to is created', async () => {
    const refused = await zoho(['migrate', '--from', './typo.db', '--to', './new.db'], { cwd: dir });
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /No store at sqlite:\.\/typo\.db/);
    assert.deepEqual(await readdir(dir), []);
    const noSource = await zoho(['import', 'typo.txt', '--to', './new.db', '--json'], { cwd: dir });
    assert.equal(noSource.code, 2);
    assert.equal((JSON.parse(noSource.stdout) as { error: { code: string } }).error.code, 'STORE_NOT_FOUND');
    assert.deepEqual(await readdir(dir), []);
    await writeFile(`${dir}/sdk_tokens.txt`, officialFile([officialRow(1)]));
    const imported = await zoho(['import', 'sdk_tokens.txt', '--to', './imported.db'], { cwd: dir });
    assert.equal(imported.code, 0, imported.stderr);
    const migrated = await zoho(['migrate', '--from', './imported.db', '--to', 'file:./copy.txt'], { cwd: dir });
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.ok((await readdir(dir)).includes('copy.txt'));
  });

  it('a server store whose host does not exist: exit 5, a message that says the host was not found and a hint to check it', async () => {
    const result = await zoho(['list', '--store', 'postgres://app:Sup3rSecretPw@nonexistent.invalid:5432/db'], { cwd: dir });
    assert.equal(result.code, 5);
    assert.match(
      result.stderr,
      /the host "nonexistent\.invalid" was not found \(ENOTFOUND\): check the host name\..*\[STORE_UNAVAILABLE\]\nhint: check the host name in the store location \(--store\)\n$/,
    );
    assert.ok(!result.stderr.includes('Sup3rSecretPw'));
  });

  it('login creates the store it saves into', async () => {
    const code = setup.emulator.issueGrantCode({ client: setup.client, user: setup.user });
    const login = await zoho(['login', '--code', code, '--store', './new.db'], { cwd: dir, env: setup.env });
    assert.equal(login.code, 0, login.stderr);
    assert.ok((await readdir(dir)).includes('new.db'));
  });
});
