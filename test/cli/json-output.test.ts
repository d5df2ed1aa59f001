// --json on every command that prints: exactly one JSON document on stdout (the result, or { error } on failure),
// stable field names, secrets masked as in the text output unless --reveal; notes stay on stderr.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { SQLiteStore } from 'zoho-token-store/sqlite';
import { completeToken } from 'zoho-token-store/testing';
import { assertNoSecrets, BIN, officialFile, officialRow, tempDir, zoho, type CliResult } from './_cli.js';
import { fakeBrowser, freePort, startEmulator } from './_emulator-fixture.js';

const MASKED = /^\*{4}.{4}$/;

/** The one JSON document a --json run printed on stdout. */
function documentOf(result: CliResult): Record<string, unknown> & { error?: Record<string, unknown> } {
  assert.doesNotThrow(() => JSON.parse(result.stdout), `stdout is not one JSON document:\n${result.stdout}\nstderr:\n${result.stderr}`);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

describe('--json (binary, against the accounts emulator)', () => {
  let setup: Awaited<ReturnType<typeof startEmulator>>;
  let dir: string;
  let cleanup: () => Promise<void>;
  const store = ['--store', 'sqlite:./zohooauth.db'];
  before(async () => (setup = await startEmulator()));
  after(() => setup.emulator.close());
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  /** Logs ada in with a self-client code; resolves to the stored token as `show --json --reveal` prints it. */
  async function loggedIn(): Promise<Record<string, string>> {
    const code = setup.emulator.issueGrantCode({ client: setup.client, user: setup.user });
    const login = await zoho(['login', '--code', code, '--json', ...store], { cwd: dir, env: setup.env });
    assert.equal(login.code, 0, login.stderr);
    const saved = documentOf(login);
    const shown = documentOf(await zoho(['show', '1', '--json', '--reveal', ...store], { cwd: dir }));
    assert.deepEqual(Object.keys(saved), ['id', 'user', 'store', 'apiDomain', 'refreshToken', 'expiresAt']);
    assert.equal(saved.id, '1');
    assert.equal(saved.user, 'ada@example.com');
    assert.equal(saved.store, 'sqlite:./zohooauth.db');
    assert.equal(saved.refreshToken, `****${String(shown.refreshToken).slice(-4)}`);
    assert.equal(saved.expiresAt, shown.expiresAt);
    assertNoSecrets(login, [code, shown.refreshToken as string, shown.accessToken as string, shown.clientSecret as string]);
    return shown as Record<string, string>;
  }

  it('login --code, show, list: the token, secrets masked unless show --reveal', async () => {
    const token = await loggedIn();
    const shown = documentOf(await zoho(['show', 'ada@example.com', '--json', ...store], { cwd: dir }));
    assert.deepEqual(Object.keys(shown), [
      'id',
      'user',
      'clientId',
      'clientSecret',
      'refreshToken',
      'accessToken',
      'grantToken',
      'expiresAt',
      'status',
      'redirectUrl',
      'apiDomain',
    ]);
    for (const field of ['clientSecret', 'refreshToken', 'accessToken']) assert.match(String(shown[field]), MASKED, field);
    const listed = await zoho(['list', '--json', ...store], { cwd: dir });
    assert.deepEqual(JSON.parse(listed.stdout), [shown]);
    assertNoSecrets(listed, [token.refreshToken, token.accessToken, token.clientSecret]);
  });

  it('login in the browser: the authorization URL goes to stderr, the saved token is the one document on stdout', async () => {
    const browser = await fakeBrowser(dir);
    const result = await zoho(['login', '--open', '--json', '--port', String(setup.port), ...store], {
      cwd: dir,
      env: { ...setup.env, BROWSER: browser },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(documentOf(result).user, 'ada@example.com');
    assert.match(result.stderr, /^http:\/\/127\.0\.0\.1:\d+\/oauth\/v2\/auth\?/m);
  });

  it('refresh and revoke', async () => {
    const token = await loggedIn();
    const refreshed = await zoho(['refresh', '1', '--json', ...store], { cwd: dir, env: setup.env });
    assert.equal(refreshed.code, 0, refreshed.stderr);
    const after = documentOf(await zoho(['show', '1', '--json', '--reveal', ...store], { cwd: dir }));
    assert.deepEqual(documentOf(refreshed), {
      id: '1',
      user: 'ada@example.com',
      store: 'sqlite:./zohooauth.db',
      accessToken: `****${String(after.accessToken).slice(-4)}`,
      expiresAt: after.expiresAt,
    });
    const revoked = await zoho(['revoke', 'ada@example.com', '--json', ...store], { cwd: dir, env: setup.env });
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.deepEqual(documentOf(revoked), {
      id: '1',
      user: 'ada@example.com',
      store: 'sqlite:./zohooauth.db',
      revoked: true,
      hadRefreshToken: true,
      deleted: true,
    });
    assertNoSecrets(refreshed, [token.accessToken, after.accessToken as string, token.refreshToken, token.clientSecret]);
    assertNoSecrets(revoked, [token.refreshToken, token.clientSecret]);
  });

  it('delete one and delete --all', async () => {
    await loggedIn();
    const source = await SQLiteStore.open({ path: join(dir, 'zohooauth.db') });
    await source.saveToken(completeToken());
    await source.saveToken(completeToken());
    await source.close();
    const one = await zoho(['delete', '1', '--json', ...store], { cwd: dir });
    assert.equal(one.code, 0, one.stderr);
    assert.deepEqual(documentOf(one), { store: 'sqlite:./zohooauth.db', deleted: [{ id: '1', user: 'ada@example.com' }] });
    const all = documentOf(await zoho(['delete', '--all', '--yes', '--json', ...store], { cwd: dir }));
    assert.deepEqual(
      (all.deleted as Array<{ id: string }>).map((token) => token.id),
      ['2', '3'],
    );
    assert.deepEqual(documentOf(await zoho(['delete', '--all', '--yes', '--json', ...store], { cwd: dir })), {
      store: 'sqlite:./zohooauth.db',
      deleted: [],
    });
  });

  it('doctor: every check, and ok false with exit 1 when one fails (no second document)', async () => {
    await loggedIn();
    const healthy = await zoho(['doctor', '--json', ...store], { cwd: dir, env: setup.env });
    assert.equal(healthy.code, 0, healthy.stdout + healthy.stderr);
    const report = documentOf(healthy) as { ok: boolean; checks: Array<Record<string, unknown>> };
    assert.equal(report.ok, true);
    assert.deepEqual(
      report.checks.map((check) => [check.check, check.status]),
      [
        ['store', 'ok'],
        ['refresh lock', 'ok'],
        ['clock', 'ok'],
        ['token refresh', 'ok'],
      ],
    );
    assert.deepEqual(Object.keys(report.checks[0] ?? {}), ['check', 'status', 'message', 'hint']);
    const token = documentOf(await zoho(['show', '1', '--json', '--reveal', ...store], { cwd: dir }));
    setup.emulator.revokeRefreshToken(String(token.refreshToken));
    const failing = await zoho(['doctor', '--json', ...store], { cwd: dir, env: setup.env });
    assert.equal(failing.code, 1);
    const failed = documentOf(failing) as { ok: boolean; checks: Array<Record<string, unknown>> };
    assert.equal(failed.ok, false);
    assert.deepEqual(failed.checks.at(-1), {
      check: 'token refresh',
      status: 'fail',
      message: 'Zoho refused the refresh token of token 1 (ada@example.com): the user removed the app or the token was revoked',
      hint: 'run zoho-tokens login for this user',
    });
  });

  it('migrate and import: the summary, failures listed in it (exit 1, no second document)', async () => {
    await writeFile(join(dir, 'sdk_tokens.txt'), officialFile([officialRow(1), officialRow(2)]));
    const imported = await zoho(['import', 'sdk_tokens.txt', '--to', 'sqlite:./imported.db', '--json'], { cwd: dir });
    assert.equal(imported.code, 0, imported.stderr);
    assert.deepEqual(documentOf(imported), {
      from: 'sdk_tokens.txt',
      to: 'sqlite:./imported.db',
      dryRun: false,
      copied: 2,
      updated: 0,
      skipped: 0,
      failed: 0,
      failures: [],
    });
    const migrated = await zoho(['migrate', '--from', 'sqlite:./imported.db', '--to', 'sqlite:./copy.db', '--dry-run', '--json'], {
      cwd: dir,
    });
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.equal(documentOf(migrated).dryRun, true);
    assert.equal(documentOf(migrated).copied, 2);
    // Two source tokens of one user cannot both land on one stored token: one fails, reported in the document.
    await writeFile(
      join(dir, 'twins.txt'),
      officialFile([
        { ...officialRow(1), user: 'twin@example.com' },
        { ...officialRow(2), user: 'twin@example.com' },
      ]),
    );
    const failing = await zoho(['import', 'twins.txt', '--to', 'sqlite:./twice.db', '--json'], { cwd: dir });
    assert.equal(failing.code, 1);
    const summary = documentOf(failing) as { failed: number; failures: Array<{ sourceId: string; reason: string }> };
    assert.equal(summary.failed, 1);
    assert.equal(summary.failures[0]?.sourceId, '2');
  });

  it('reencrypt', async () => {
    const key = randomBytes(32).toString('base64');
    const written = await SQLiteStore.open({ path: join(dir, 'enc.db') });
    await written.saveToken(completeToken());
    await written.close();
    const result = await zoho(['reencrypt', '--json', '--store', 'sqlite:./enc.db'], { cwd: dir, env: { ZOHO_TOKENS_KEYS: `k1:${key}` } });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(documentOf(result), { store: 'sqlite:./enc.db', keyId: 'k1', rewritten: 1 });
    assert.ok(!result.stdout.includes(key));
  });

  it('emulator: one line of JSON once ready, the client secret masked unless --reveal', async () => {
    for (const reveal of [false, true]) {
      const port = await freePort();
      const child = spawn(
        process.execPath,
        [BIN, 'emulator', '--json', '--dc', 'us,eu', ...(reveal ? ['--reveal'] : []), '--redirect-uri', `http://127.0.0.1:${port}/cb`],
        {
          cwd: dir,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      const line = await new Promise<string>((resolve) =>
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.includes('\n')) resolve(stdout.split('\n')[0] as string);
        }),
      );
      const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
      child.kill('SIGTERM');
      assert.equal(await closed, 0);
      const running = JSON.parse(line) as {
        accountsUrl: string;
        dataCenters: Array<{ dataCenter: string; accountsUrl: string; apiDomain: string }>;
        clientSecret: string;
        redirectUri: string;
        user: { email: string; dataCenter: string };
      };
      assert.deepEqual(
        running.dataCenters.map((dc) => dc.dataCenter),
        ['us', 'eu'],
      );
      assert.equal(running.accountsUrl, running.dataCenters[0]?.accountsUrl);
      assert.equal(running.redirectUri, `http://127.0.0.1:${port}/cb`);
      assert.deepEqual(running.user, { email: 'ada@example.com', dataCenter: 'us' });
      if (reveal) assert.doesNotMatch(running.clientSecret, MASKED);
      else assert.match(running.clientSecret, MASKED);
      assert.equal(stdout.trim().split('\n').length, 1, 'one document, one line');
    }
  });

  it('errors: one { error } document on stdout with the code, the hint and the exit code; nothing on stdout besides', async () => {
    await loggedIn();
    const missing = await zoho(['show', 'nobody@example.com', '--json', ...store], { cwd: dir });
    assert.equal(missing.code, 3);
    assert.deepEqual(documentOf(missing), {
      error: {
        code: 'TOKEN_NOT_FOUND',
        message: 'No token with id or user "nobody@example.com" in sqlite:./zohooauth.db.',
        hint: 'run `zoho-tokens list` to see the stored ids and users',
        exitCode: 3,
      },
    });
    const token = documentOf(await zoho(['show', '1', '--json', '--reveal', ...store], { cwd: dir }));
    setup.emulator.revokeRefreshToken(String(token.refreshToken));
    const refused = await zoho(['refresh', '1', '--json', ...store], { cwd: dir, env: setup.env });
    assert.equal(refused.code, 4);
    const error = documentOf(refused).error as Record<string, unknown>;
    assert.equal(error.code, 'REAUTHORIZATION_REQUIRED');
    assert.equal(error.exitCode, 4);
    assert.doesNotMatch(String(error.message), /\[REAUTHORIZATION_REQUIRED\]/, 'the code is a field, not in the message');
    assertNoSecrets(refused, [String(token.refreshToken), String(token.clientSecret)]);
    const usage = await zoho(['list', '--json'], { cwd: dir });
    assert.equal(usage.code, 2);
    assert.equal((documentOf(usage).error as Record<string, unknown>).code, 'USAGE');
    const parse = await zoho(['list', '--json', '--no-such-flag', ...store], { cwd: dir });
    assert.equal(parse.code, 2);
    assert.match(String((documentOf(parse).error as Record<string, unknown>).message), /unknown option '--no-such-flag'/);
  });
});
