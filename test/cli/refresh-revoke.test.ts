import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { assertNoSecrets, tempDir, zoho } from './_cli.js';
import { startEmulator } from './_emulator-fixture.js';

describe('zoho-tokens refresh and revoke (binary, against the accounts emulator)', () => {
  let setup: Awaited<ReturnType<typeof startEmulator>>;
  let dir: string;
  let cleanup: () => Promise<void>;
  const store = ['--store', 'sqlite:./zohooauth.db'];
  before(async () => (setup = await startEmulator()));
  after(() => setup.emulator.close());
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    setup.emulator.faults.clear();
    const code = setup.emulator.issueGrantCode({ client: setup.client, user: setup.user });
    const login = await zoho(['login', '--code', code, ...store], { cwd: dir, env: setup.env });
    assert.equal(login.code, 0, login.stderr);
  });
  afterEach(() => cleanup());

  const stored = async () => {
    const shown = await zoho(['show', '1', '--json', '--reveal', ...store], { cwd: dir });
    return JSON.parse(shown.stdout) as Record<string, string | null>;
  };

  it('refresh gets a new access token now, saves it, and prints it masked', async () => {
    const before = await stored();
    const requests = setup.emulator.stats.refreshRequests(before.refreshToken as string);
    // Only the accounts URL: the client credentials are the ones stored with the token.
    const result = await zoho(['refresh', 'ada@example.com', ...store], {
      cwd: dir,
      env: { ZOHO_TOKENS_ACCOUNTS_URL: setup.env.ZOHO_TOKENS_ACCOUNTS_URL },
    });
    assert.equal(result.code, 0, result.stderr);
    const after = await stored();
    assert.notEqual(after.accessToken, before.accessToken);
    assert.equal(after.refreshToken, before.refreshToken);
    assert.equal(setup.emulator.stats.refreshRequests(before.refreshToken as string), requests + 1);
    assert.equal(
      result.stdout,
      `Refreshed token 1 (ada@example.com): access token ****${after.accessToken?.slice(-4)}, expires ${after.expiresAt} (in 60m).\n`,
    );
    assertNoSecrets(result, [before.accessToken, after.accessToken, after.refreshToken, after.clientSecret]);
  });

  it('refresh of a token the user revoked exits 4 and says to log in again', async () => {
    setup.emulator.revokeRefreshToken((await stored()).refreshToken as string);
    const result = await zoho(['refresh', '1', ...store], { cwd: dir, env: setup.env });
    assert.equal(result.code, 4, result.stderr);
    assert.match(result.stderr, /^zoho-tokens: .*\[REAUTHORIZATION_REQUIRED\]\nhint: run `zoho-tokens login` for this user/);
    assert.ok(!result.stderr.includes('    at '), 'no stack without --debug');
  });

  it('refresh exits 5 when the accounts server keeps failing, and keeps the stored token', async () => {
    const before = await stored();
    setup.emulator.faults.failNext(20, 503);
    const result = await zoho(['refresh', '1', ...store], { cwd: dir, env: setup.env });
    assert.equal(result.code, 5, result.stderr);
    assert.match(result.stderr, /\[ACCOUNTS_UNAVAILABLE\]/);
    assert.deepEqual(await stored(), before);
  });

  it('--debug adds the stack trace (and no secret)', async () => {
    setup.emulator.revokeRefreshToken((await stored()).refreshToken as string);
    const result = await zoho(['refresh', '1', '--debug', ...store], { cwd: dir, env: setup.env });
    assert.equal(result.code, 4);
    assert.match(result.stderr, /\n\s+at /);
    const token = await stored();
    assertNoSecrets(result, [token.refreshToken, token.accessToken, token.clientSecret]);
  });

  it('revoke revokes at Zoho, then deletes the token; the refresh token no longer works', async () => {
    const token = await stored();
    const revokes = setup.emulator.stats.revokes();
    const result = await zoho(['revoke', 'ada@example.com', ...store], { cwd: dir, env: setup.env });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'Revoked token 1 (ada@example.com) at Zoho and deleted it from sqlite:./zohooauth.db.\n');
    assert.equal(setup.emulator.stats.revokes(), revokes + 1);
    assert.throws(() => setup.emulator.revokeRefreshToken(token.refreshToken as string), /no live refresh token/);
    const listed = await zoho(['list', '--json', ...store], { cwd: dir });
    assert.deepEqual(JSON.parse(listed.stdout), []);
    assertNoSecrets(result, [token.refreshToken, token.accessToken, token.clientSecret]);
    const again = await zoho(['revoke', 'ada@example.com', ...store], { cwd: dir, env: setup.env });
    assert.equal(again.code, 3);
  });

  it('revoke keeps the token when the accounts server cannot be reached (exit 5), so it can be rerun', async () => {
    setup.emulator.faults.failNext(20, 500);
    const result = await zoho(['revoke', '1', ...store], { cwd: dir, env: setup.env });
    assert.equal(result.code, 5, result.stderr);
    assert.equal((await stored()).user, 'ada@example.com');
    setup.emulator.faults.clear();
    const rerun = await zoho(['revoke', '1', ...store], { cwd: dir, env: setup.env });
    assert.equal(rerun.code, 0, rerun.stderr);
  });
});
