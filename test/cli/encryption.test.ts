import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { OAuthToken } from 'zoho-token-store';
import { SQLiteStore } from 'zoho-token-store/sqlite';
import { completeToken } from 'zoho-token-store/testing';
import { BIN, assertNoSecrets, tempDir, zoho } from './_cli.js';

const KEY_A = randomBytes(32).toString('base64');
const KEY_B = randomBytes(32).toString('base64');

describe('zoho-tokens with an encrypted store (binary, sqlite)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  const tokens = [completeToken(), completeToken()];
  const secrets = tokens.flatMap((token) => [token.clientSecret, token.refreshToken, token.accessToken, token.grantToken]);
  const keys = [KEY_A, KEY_B];
  const store = 'sqlite:./tokens.db';

  before(async () => {
    ({ dir, cleanup } = await tempDir());
    const written = await SQLiteStore.open({ path: join(dir, 'tokens.db'), encryption: { keys: { a: KEY_A }, currentKeyId: 'a' } });
    for (const token of tokens) await written.saveToken(token);
    await written.close();
  });
  after(() => cleanup());

  it('without the key ring, list fails with KEY_INVALID and a hint, showing no envelope', async () => {
    const result = await zoho(['list', '--store', store], { cwd: dir });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /KEY_INVALID/);
    assert.match(result.stderr, /ZOHO_TOKENS_KEYS/);
    assert.doesNotMatch(result.stdout + result.stderr, /zts1\./);
  });

  it('with ZOHO_TOKENS_KEYS, list and show work; show --reveal prints the token in clear; no key is printed', async () => {
    const env = { ZOHO_TOKENS_KEYS: `a:${KEY_A}` };
    const listed = await zoho(['list', '--store', store], { cwd: dir, env });
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok(listed.stdout.includes(tokens[0]?.userName as string));
    assertNoSecrets(listed, [...secrets, ...keys]);
    const shown = await zoho(['show', tokens[1]?.userName as string, '--store', store, '--reveal'], { cwd: dir, env });
    assert.equal(shown.code, 0, shown.stderr);
    assert.ok(shown.stdout.includes(tokens[1]?.refreshToken as string));
    assertNoSecrets(shown, keys);
  });

  it('a malformed key ring is a usage error that never echoes the key', async () => {
    const short = randomBytes(20).toString('base64');
    const malformed = [
      { ZOHO_TOKENS_KEYS: `a:${short}` },
      { ZOHO_TOKENS_KEYS: `a:${KEY_A},b:${KEY_B}` },
      { ZOHO_TOKENS_KEYS: KEY_A },
      // Pairs the wrong way round: the keys stand where ids belong.
      { ZOHO_TOKENS_KEYS: `${KEY_A}:a,${KEY_B}:b` },
      { ZOHO_TOKENS_KEYS: `${KEY_A}:a`, ZOHO_TOKENS_KEY_ID: 'a' },
    ];
    for (const env of malformed) {
      const result = await zoho(['list', '--store', store], { cwd: dir, env });
      assert.equal(result.code, 2, result.stderr);
      assertNoSecrets(result, [short, KEY_A, KEY_B, KEY_A.slice(0, 12), KEY_B.slice(0, 12)]);
    }
  });

  it('reencrypt moves every token to the current key (from a key file); a rerun rewrites none; the old key can go', async () => {
    const keyFile = join(dir, 'keys.txt');
    writeFileSync(keyFile, `# old and new\na:${KEY_A}\nb:${KEY_B}\n`, { mode: 0o600 });
    const env = { ZOHO_TOKENS_KEY_FILE: keyFile, ZOHO_TOKENS_KEY_ID: 'b' };
    const first = await zoho(['reencrypt', '--store', store], { cwd: dir, env });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Re-encrypted 2 tokens .* under key "b"/);
    assertNoSecrets(first, [...secrets, ...keys]);
    const again = await zoho(['reencrypt', '--store', store], { cwd: dir, env });
    assert.match(again.stdout, /Re-encrypted 0 tokens/);
    const onlyB = await SQLiteStore.open({ path: join(dir, 'tokens.db'), encryption: { keys: { b: KEY_B }, currentKeyId: 'b' } });
    try {
      for (const token of tokens) {
        assert.equal((await onlyB.findToken(new OAuthToken({ accessToken: token.accessToken })))?.id, token.id);
      }
    } finally {
      await onlyB.close();
    }
    assert.ok(!readFileSync(join(dir, 'tokens.db'), 'latin1').includes(tokens[0]?.refreshToken as string));
  });

  it('a command that opens no store (the emulator) runs whatever the key ring variables hold', async () => {
    const child = spawn(process.execPath, [BIN, 'emulator'], {
      cwd: dir,
      env: { ...process.env, ZOHO_TOKENS_KEYS: 'not a key ring' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
    const ready = await new Promise<boolean>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (/^ready /m.test(stdout)) resolve(true);
      });
      void closed.then(() => resolve(false));
    });
    child.kill('SIGTERM');
    await closed;
    assert.ok(ready, 'the emulator did not start');
  });

  it('reencrypt without a key ring is a usage error', async () => {
    const result = await zoho(['reencrypt', '--store', store], { cwd: dir });
    assert.equal(result.code, 2);
  });
});
