import assert from 'node:assert/strict';
import { chmod, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { assertNoSecrets, officialFile, officialRow, tempDir, zoho } from './_cli.js';
import { startEmulator } from './_emulator-fixture.js';

describe('zoho-tokens doctor (binary)', () => {
  let setup: Awaited<ReturnType<typeof startEmulator>>;
  let dir: string;
  let cleanup: () => Promise<void>;
  const store = ['--store', 'sqlite:./zohooauth.db'];
  before(async () => (setup = await startEmulator()));
  after(() => setup.emulator.close());
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    const code = setup.emulator.issueGrantCode({ client: setup.client, user: setup.user });
    const login = await zoho(['login', '--code', code, ...store], { cwd: dir, env: setup.env });
    assert.equal(login.code, 0, login.stderr);
  });
  afterEach(() => cleanup());

  it('passes a healthy store: reachable, refresh lock, clock, and a real refresh of a stored token', async () => {
    const requests = setup.emulator.stats.refreshRequests();
    const result = await zoho(['doctor', ...store], { cwd: dir, env: { ZOHO_TOKENS_ACCOUNTS_URL: setup.env.ZOHO_TOKENS_ACCOUNTS_URL } });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^ok {4}store {13}sqlite:\.\/zohooauth\.db answered and its tokens are readable \(1 token\)$/m);
    assert.match(result.stdout, /^ok {4}refresh lock {6}works \(taken, exclusive, released; /m);
    assert.match(result.stdout, /^ok {4}clock {13}within \d+ s of http:\/\/127\.0\.0\.1:\d+$/m);
    assert.match(result.stdout, /^ok {4}token refresh {5}token 1 \(ada@example\.com\) was refreshed and saved$/m);
    assert.equal(setup.emulator.stats.refreshRequests(), requests + 1);
  });

  it('says in plain words that a revoked token needs a new login, and fails', async () => {
    const shown = JSON.parse((await zoho(['show', '1', '--json', '--reveal', ...store], { cwd: dir })).stdout) as Record<string, string>;
    setup.emulator.revokeRefreshToken(shown.refreshToken as string);
    const result = await zoho(['doctor', ...store], { cwd: dir, env: setup.env });
    assert.equal(result.code, 1);
    assert.match(
      result.stdout,
      /^FAIL {2}token refresh {5}Zoho refused the refresh token of token 1 \(ada@example\.com\): the user removed the app or the token was revoked\n {24}hint: run zoho-tokens login for this user$/m,
    );
    assert.match(result.stderr, /^zoho-tokens: doctor found 1 problem\./);
    assertNoSecrets(result, [shown.refreshToken, shown.accessToken, shown.clientSecret]);
  });

  it('warns about a token file others can read (and still passes)', async () => {
    await writeFile(join(dir, 'sdk_tokens.txt'), officialFile([officialRow(1)]));
    await chmod(join(dir, 'sdk_tokens.txt'), 0o644);
    const result = await zoho(['doctor', '--no-refresh', '--store', 'file:./sdk_tokens.txt'], { cwd: dir, env: setup.env });
    assert.equal(result.code, 0, result.stdout);
    assert.match(
      result.stdout,
      /^warn {2}file permissions .*sdk_tokens\.txt is readable or writable by others \(mode 644\); it holds refresh tokens\n {24}hint: chmod 600 /m,
    );
    assert.match(result.stdout, /^ok {4}refresh lock {6}works/m);
  });

  it('fails on a store it cannot reach, without printing the password', async () => {
    const result = await zoho(['doctor', '--store', 'postgres://app:Sup3rSecretPw@127.0.0.1:1/none'], { cwd: dir, env: setup.env });
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^FAIL {2}store /m);
    assertNoSecrets(result, ['Sup3rSecretPw']);
  });

  describe('with an accounts server whose clock is five minutes ahead', () => {
    let server: Server;
    let url: string;
    before(async () => {
      server = createServer((_request, response) => {
        response.sendDate = false;
        response.writeHead(200, { date: new Date(Date.now() + 300_000).toUTCString() }).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('says the clock is off and by how much', async () => {
      const result = await zoho(['doctor', '--no-refresh', '--accounts-url', url, ...store], { cwd: dir });
      assert.equal(result.code, 1);
      assert.match(
        result.stdout,
        /^FAIL {2}clock {13}this machine's clock is (29\d|30\d) s behind http:\/\/127\.0\.0\.1:\d+: tokens will be refreshed too late or too early\n {24}hint: synchronise the clock/m,
      );
    });
  });
});
