import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { RecordingServer } from '../_recording-server.js';
import { assertNoSecrets, BIN, tempDir, zoho } from './_cli.js';
import { fakeBrowser, startEmulator } from './_emulator-fixture.js';

describe('zoho-tokens login (binary, against the accounts emulator)', () => {
  let setup: Awaited<ReturnType<typeof startEmulator>>;
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => (setup = await startEmulator()));
  after(() => setup.emulator.close());
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  const stored = async () => {
    const shown = await zoho(['show', 'ada@example.com', '--json', '--reveal', '--store', 'sqlite:./zohooauth.db'], { cwd: dir });
    assert.equal(shown.code, 0, shown.stderr);
    return JSON.parse(shown.stdout) as Record<string, string | null>;
  };

  it('--open: authorizes in the "browser", receives the redirect, exchanges the code with PKCE and saves the token', async () => {
    const browser = await fakeBrowser(dir);
    const exchanges = setup.emulator.stats.codeExchanges();
    const result = await zoho(['login', '--open', '--port', String(setup.port), '--store', 'sqlite:./zohooauth.db'], {
      cwd: dir,
      env: { ...setup.env, BROWSER: browser },
    });
    assert.equal(result.code, 0, result.stderr);
    const authorizeUrl = new URL(result.stdout.split('\n')[0] ?? '');
    assert.equal(authorizeUrl.origin, setup.emulator.accountsUrl('us'));
    assert.equal(authorizeUrl.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(authorizeUrl.searchParams.get('redirect_uri'), `http://127.0.0.1:${setup.port}/callback`);
    assert.match(
      result.stdout,
      /^Saved token 1 for ada@example\.com in sqlite:\.\/zohooauth\.db \(api domain http:\/\/127\.0\.0\.1:\d+, refresh token \*{4}\w{4}, access token expires in 60m\)\.$/m,
    );
    assert.equal(setup.emulator.stats.codeExchanges(), exchanges + 1);
    const token = await stored();
    assert.equal(token.user, 'ada@example.com');
    assert.equal(token.clientId, setup.client.clientId);
    assert.equal(token.apiDomain, setup.emulator.apiDomain('us'));
    assert.equal(token.redirectUrl, `http://127.0.0.1:${setup.port}/callback`);
    assert.match(token.refreshToken ?? '', /^1000\.[0-9a-f]{32}\.[0-9a-f]{32}$/);
    assert.equal(token.status, 'valid');
    assertNoSecrets(result, [token.refreshToken, token.accessToken, setup.client.clientSecret]);
  });

  it('ignores a redirect with a foreign state and completes with the real one', async () => {
    const child = spawn(process.execPath, [BIN, 'login', '--port', String(setup.port), '--store', 'sqlite:./zohooauth.db'], {
      cwd: dir,
      env: { ...process.env, ...setup.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    const firstLine = new Promise<string>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('\n')) resolve(stdout.split('\n')[0] as string);
      }),
    );
    const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
    const url = await firstLine;
    const forged = await fetch(`http://127.0.0.1:${setup.port}/callback?code=1000.forged&state=not-the-state`);
    assert.equal(forged.status, 400);
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Authorized/);
    assert.equal(await closed, 0);
    assert.match(stdout, /Saved token 1 for ada@example\.com/);
  });

  it("a redirect naming an accounts server it does not know (on the emulator's host): UNTRUSTED_ACCOUNTS_SERVER, nothing sent there", async () => {
    const forged = await RecordingServer.start();
    try {
      const child = spawn(process.execPath, [BIN, 'login', '--port', String(setup.port), '--store', 'sqlite:./zohooauth.db'], {
        cwd: dir,
        env: { ...process.env, ...setup.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const firstLine = new Promise<string>((resolve) =>
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.includes('\n')) resolve(stdout.split('\n')[0] as string);
        }),
      );
      const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
      const state = new URL(await firstLine).searchParams.get('state') ?? '';
      const exchanges = setup.emulator.stats.codeExchanges();
      const callback = new URL(`http://127.0.0.1:${setup.port}/callback`);
      callback.search = new URLSearchParams({
        state,
        code: '1000.forged.code',
        location: 'us',
        'accounts-server': forged.origin,
      }).toString();
      assert.equal((await fetch(callback)).status, 200);
      assert.equal(await closed, 1);
      assert.match(stderr, /\[UNTRUSTED_ACCOUNTS_SERVER\]\nhint: .*--accounts-url/);
      assert.ok(stderr.includes(forged.origin));
      assert.equal(forged.connections, 0, 'the forged server got no connection');
      assert.equal(setup.emulator.stats.codeExchanges(), exchanges);
      assertNoSecrets({ code: 1, stdout, stderr }, [setup.client.clientSecret, '1000.forged.code']);
      const listed = await zoho(['list', '--json', '--store', 'sqlite:./zohooauth.db'], { cwd: dir });
      // Nothing was saved, and the store was not even created: login opens it only to save a token.
      assert.equal((JSON.parse(listed.stdout) as { error: { code: string } }).error.code, 'STORE_NOT_FOUND', 'nothing was saved');
    } finally {
      await forged.close();
    }
  });

  it('--code: exchanges a self-client grant code, no browser', async () => {
    const selfClient = setup.emulator.registerClient({ selfClient: true });
    const code = setup.emulator.issueGrantCode({ client: selfClient, user: setup.user, selfClient: true });
    const env = {
      ZOHO_TOKENS_ACCOUNTS_URL: setup.env.ZOHO_TOKENS_ACCOUNTS_URL,
      ZOHO_TOKENS_CLIENT_ID: selfClient.clientId,
      ZOHO_TOKENS_CLIENT_SECRET: selfClient.clientSecret,
    };
    const result = await zoho(['login', '--code', code, '--store', 'sqlite:./zohooauth.db'], { cwd: dir, env });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Saved token 1 for ada@example\.com/);
    const token = await stored();
    assert.equal(token.clientId, selfClient.clientId);
    assertNoSecrets(result, [code, token.refreshToken, token.accessToken, selfClient.clientSecret]);

    const reused = await zoho(['login', '--code', code, '--store', 'sqlite:./zohooauth.db'], { cwd: dir, env });
    assert.equal(reused.code, 4, 'a used grant code means authorizing again');
    assert.match(reused.stderr, /REAUTHORIZATION_REQUIRED/);
    assertNoSecrets(reused, [code]);
  });

  it('says what is wrong with a wrong client secret (exit 1) or a missing client id (exit 2)', async () => {
    const code = setup.emulator.issueGrantCode({ client: setup.client, user: setup.user });
    const wrong = await zoho(['login', '--code', code, '--store', 'sqlite:./zohooauth.db'], {
      cwd: dir,
      env: { ...setup.env, ZOHO_TOKENS_CLIENT_SECRET: 'not-the-secret-0123456789' },
    });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /\[INVALID_CLIENT_SECRET\]\nhint: check the client secret/);
    assertNoSecrets(wrong, ['not-the-secret-0123456789', code]);
    const noClient = await zoho(['login', '--code', code, '--store', 'sqlite:./zohooauth.db'], {
      cwd: dir,
      env: { ZOHO_TOKENS_ACCOUNTS_URL: setup.env.ZOHO_TOKENS_ACCOUNTS_URL },
    });
    assert.equal(noClient.code, 2);
    assert.match(noClient.stderr, /login needs --client-id\.\nhint: pass --client-id, set ZOHO_TOKENS_CLIENT_ID/);
  });
});
