// `zoho-tokens --version` / `-V` print the version of the installed package, read from its package.json when run.
import assert from 'node:assert/strict';
import { cpSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runNode } from '../_processes.js';
import { tempDir, zoho } from './_cli.js';

describe('zoho-tokens --version', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir, cleanup } = await tempDir()));
  after(() => cleanup());

  it('prints the package.json version, with --version and -V, and exits 0', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const result = await zoho([flag], { cwd: dir });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, `${version}\n`);
    }
  });

  it('reads it from the package it runs from, not from a copy built into the code', async () => {
    // The built CLI in a package whose package.json says another version.
    const root = join(dir, 'package');
    cpSync('dist/src', join(root, 'dist/src'), { recursive: true });
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'zoho-token-store', version: '9.8.7-test', type: 'module' }));
    symlinkSync(resolve('node_modules'), join(root, 'node_modules'));
    const result = await runNode(join(root, 'dist/src/cli/main.js'), ['--version']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '9.8.7-test\n');
  });
});
