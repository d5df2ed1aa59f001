import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertNoSecrets, officialFile, officialRow, tempDir, zoho, zohoValue } from './_cli.js';

describe('zoho-tokens list and show (binary, file and sqlite stores)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  const now = Date.now();
  // `expiring` is the TokenManager's refresh margin (60 s): 3 minutes left is still valid, 50 s left is expiring.
  const valid = { ...officialRow(1), expiryTime: String(now + 180_000) };
  const expiring = { ...officialRow(2), expiryTime: String(now + 50_000) };
  const expired = { ...officialRow(3), expiryTime: String(now - 600_000) };
  const noAccess = { ...officialRow(4), accessToken: '', expiryTime: '' };
  const rows = [valid, expiring, expired, noAccess];
  const secrets = rows.flatMap((row) => [row.clientSecret, row.refreshToken, row.accessToken, row.grantToken]);

  before(async () => {
    ({ dir, cleanup } = await tempDir());
    await writeFile(join(dir, 'sdk_tokens.txt'), officialFile(rows));
    const imported = await zoho(['import', 'sdk_tokens.txt', '--to', 'sqlite:./zohooauth.db'], { cwd: dir });
    assert.equal(imported.code, 0, imported.stderr);
  });
  after(() => cleanup());

  for (const store of ['file:./sdk_tokens.txt', 'sqlite:./zohooauth.db']) {
    it(`lists every token with its expiry status, secrets nowhere (${store})`, async () => {
      const result = await zoho(['list', '--store', store], { cwd: dir });
      assert.equal(result.code, 0, result.stderr);
      const lines = result.stdout.trimEnd().split('\n');
      assert.match(lines[0] ?? '', /^ID\s+USER\s+CLIENT ID\s+API DOMAIN\s+STATUS$/);
      assert.equal(lines.length, 5);
      assert.match(lines[1] ?? '', /^1\s+user1@example\.com\s+1000\.CLIENT1\s+https:\/\/www\.zohoapis\.eu\s+valid \(in [23]m\)$/);
      assert.match(lines[2] ?? '', /^2\s+user2@example\.com\s+.*\s+expiring \(in [1-5]?\ds\)$/);
      assert.match(lines[3] ?? '', /^3\s+.*\s+expired \(10m ago\)$/);
      assert.match(lines[4] ?? '', /^4\s+.*\s+no access token$/);
      assertNoSecrets(result, secrets);
    });
  }

  it('prints JSON with --json, secrets masked to their last four characters', async () => {
    const result = await zoho(['list', '--json', '--store', 'sqlite:./zohooauth.db'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const listed = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    assert.deepEqual(
      listed.map((token) => token.status),
      ['valid', 'expiring', 'expired', 'no access token'],
    );
    assert.equal(listed[0]?.refreshToken, `****${valid.refreshToken?.slice(-4)}`);
    assert.equal(listed[0]?.expiresAt, new Date(Number(valid.expiryTime)).toISOString());
    assertNoSecrets(result, secrets);
  });

  it('shows one token by id or by user, masked; --reveal prints the secrets', async () => {
    const byUser = await zoho(['show', 'user1@example.com', '--store', 'sqlite:./zohooauth.db'], { cwd: dir });
    assert.equal(byUser.code, 0, byUser.stderr);
    assert.match(byUser.stdout, /^id {12}1$/m);
    assert.match(byUser.stdout, new RegExp(`^refresh token ****${valid.refreshToken?.slice(-4)}$`.replace(/\*/g, '\\*'), 'm'));
    assertNoSecrets(byUser, secrets);
    const byId = await zoho(['show', '1', '--store', 'sqlite:./zohooauth.db'], { cwd: dir });
    assert.equal(byId.stdout, byUser.stdout);

    const revealed = await zoho(['show', '1', '--reveal', '--json', '--store', 'sqlite:./zohooauth.db'], { cwd: dir });
    const token = JSON.parse(revealed.stdout) as Record<string, unknown>;
    assert.equal(token.refreshToken, valid.refreshToken);
    assert.equal(token.clientSecret, valid.clientSecret);
    assert.equal(token.accessToken, valid.accessToken);
  });

  it('exits 3 with one line and a hint when no token matches', async () => {
    const result = await zoho(['show', 'nobody@example.com', '--store', 'sqlite:./zohooauth.db'], { cwd: dir });
    assert.equal(result.code, 3);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr,
      /^zoho-tokens: No token with id or user "nobody@example\.com" in sqlite:\.\/zohooauth\.db\.\nhint: run `zoho-tokens list`/,
    );
    assert.ok(!result.stderr.includes('    at '), 'no stack trace without --debug');
  });

  it('takes the store from ZOHO_TOKENS_STORE, or a --config file; a flag wins over both', async () => {
    const fromEnv = await zoho(['list'], { cwd: dir, env: { ZOHO_TOKENS_STORE: 'sqlite:./zohooauth.db' } });
    assert.equal(fromEnv.code, 0, fromEnv.stderr);
    assert.equal(fromEnv.stdout.trim().split('\n').length, 5);
    await writeFile(join(dir, 'config.json'), JSON.stringify({ store: 'sqlite:./zohooauth.db' }));
    const fromFile = await zoho(['--config', 'config.json', 'list'], { cwd: dir });
    assert.equal(fromFile.code, 0, fromFile.stderr);
    assert.deepEqual(firstColumn(fromFile.stdout), ['ID', '1', '2', '3', '4']);
    const flagWins = await zoho(['list', '--store', 'sqlite:./other.db'], {
      cwd: dir,
      env: { ZOHO_TOKENS_STORE: 'sqlite:./zohooauth.db' },
    });
    assert.equal(flagWins.code, 2, 'list never creates the store it is pointed at');
    assert.match(flagWins.stderr, /No store at sqlite:\.\/other\.db/);
  });

  it('exits 2 for usage errors: no store, an unknown scheme, an unknown option, a bad config file', async () => {
    const none = await zoho(['list'], { cwd: dir });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /list needs --store\.\nhint: pass --store, set ZOHO_TOKENS_STORE, or put "store" in the config file/);
    const scheme = await zoho(['list', '--store', 'mongodb://localhost/x'], { cwd: dir });
    assert.equal(scheme.code, 2);
    const option = await zoho(['list', '--stroe', 'x.db'], { cwd: dir });
    assert.equal(option.code, 2);
    await writeFile(join(dir, 'bad.json'), '{"stor": "x.db"}');
    const config = await zoho(['list', '--config', 'bad.json'], { cwd: dir });
    assert.equal(config.code, 2);
    assert.match(config.stderr, /unknown key "stor"/);
  });

  it('never prints the password of a store URL, even when the server refuses it', async () => {
    const password = `pw${zohoValue()}`;
    const result = await zoho(['list', '--debug', '--store', `postgres://nobody:${password}@127.0.0.1:1/none`], { cwd: dir });
    assert.notEqual(result.code, 0);
    assertNoSecrets(result, [password, encodeURIComponent(password)]);
  });
});

const firstColumn = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((line) => line.split(/\s+/)[0]);
