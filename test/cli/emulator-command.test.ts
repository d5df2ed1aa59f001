import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { BIN, tempDir, zoho } from './_cli.js';
import { fakeBrowser, freePort, freePortPair } from './_emulator-fixture.js';

/** Starts `zoho-tokens emulator …` and resolves once it printed its "ready" line. */
function startEmulator(args: string[], cwd: string) {
  const child = spawn(process.execPath, [BIN, 'emulator', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
  // An emulator that exits before it is ready (a port taken meanwhile) fails the test with its output, not a hang.
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output.stdout += chunk.toString();
      if (/^ready /m.test(output.stdout)) resolve();
    });
    void closed.then((code) => reject(new Error(`the emulator exited (${code}) before it was ready: ${output.stderr.trim()}`)));
  });
  return { child, output, ready, closed };
}

describe('zoho-tokens emulator (binary)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it('runs the emulator until SIGTERM; its config file lets login, list and refresh work against it', async () => {
    const port = await freePort();
    const { child, output, ready, closed } = startEmulator(
      ['--dc', 'us,eu', '--write-config', 'dev.json', '--redirect-uri', `http://127.0.0.1:${port}/callback`],
      dir,
    );
    try {
      await ready;
      const { stdout } = output;
      const config = JSON.parse(await readFile(join(dir, 'dev.json'), 'utf8')) as Record<string, string>;
      assert.equal((await stat(join(dir, 'dev.json'))).mode & 0o777, 0o600);
      assert.match(stdout, /^ {2}us {2}accounts http:\/\/127\.0\.0\.1:\d+ {2}api domain http:\/\/127\.0\.0\.1:\d+$/m);
      assert.match(stdout, /^ {2}eu {2}accounts /m);
      assert.match(stdout, /client secret {2}\*{4}\w{4} {2}\(--reveal prints it\)/);
      assert.ok(!stdout.includes(config.clientSecret as string), 'the secret is printed only with --reveal');

      const env = { BROWSER: await fakeBrowser(dir) };
      const login = await zoho(['--config', 'dev.json', 'login', '--open', '--store', 'sqlite:./zohooauth.db'], { cwd: dir, env });
      assert.equal(login.code, 0, login.stderr);
      assert.match(login.stdout, /Saved token 1 for ada@example\.com/);
      const refresh = await zoho(['--config', 'dev.json', 'refresh', '1', '--store', 'sqlite:./zohooauth.db'], { cwd: dir });
      assert.equal(refresh.code, 0, refresh.stderr);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await closed, 0);
    assert.match(output.stderr, /emulator stopped/);
  });

  it('listens on the port given with --port, the next data center on the next port', async () => {
    const port = await freePortPair();
    const { child, output, ready, closed } = startEmulator(['--dc', 'us,eu', '--port', String(port)], dir);
    try {
      await ready;
      const { stdout } = output;
      assert.match(stdout, new RegExp(`^ {2}us {2}accounts http://127\\.0\\.0\\.1:${port} `, 'm'));
      assert.match(stdout, new RegExp(`^ {2}eu {2}accounts http://127\\.0\\.0\\.1:${port + 1} `, 'm'));
      const answer = await fetch(`http://127.0.0.1:${port}/oauth/v2/token/revoke?token=unknown`, { method: 'POST' });
      assert.equal(answer.status, 400, 'the accounts server answers on the chosen port');
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await closed, 0);
  });

  it('refuses a port that is not a port number (exit 2)', async () => {
    const result = await zoho(['emulator', '--port', 'eighty'], { cwd: dir });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--port must be a port number/);
  });

  it('refuses an unknown data center (exit 2)', async () => {
    const result = await zoho(['emulator', '--dc', 'us,mars'], { cwd: dir });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Unknown data center "mars"/);
  });
});
