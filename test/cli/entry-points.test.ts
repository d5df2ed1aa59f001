import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { runNode } from '../_processes.js';
import { tempDir } from './_cli.js';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  exports: Record<string, string | { default?: string }>;
  bin: Record<string, string>;
  dependencies?: Record<string, string>;
};
const BLOCK = resolve('dist/test/_block-packages.js');

/** Imports `files` in a child process whose CLI dependencies cannot be resolved. */
function importWithoutCliDeps(files: readonly string[]) {
  const script = `for (const file of ${JSON.stringify(files)}) await import(file);`;
  return runNode('--import', [BLOCK, '--input-type=module', '-e', script], { ZTS_BLOCKED_PACKAGES: 'commander' });
}

describe('the CLI stays out of the library', () => {
  it("every library entry point loads when the CLI's dependencies are not installed", async () => {
    const entries = Object.values(pkg.exports)
      .map((target) => (typeof target === 'string' ? target : target.default))
      .filter((file): file is string => typeof file === 'string' && file.endsWith('.js'))
      .map((file) => resolve(file));
    assert.ok(entries.length >= 7, `expected the library's subpaths, got ${entries.join(', ')}`);
    const result = await importWithoutCliDeps(entries);
    assert.equal(result.code, 0, result.stderr);
  });

  it('the block works: the CLI itself does not load without its dependencies', async () => {
    const result = await importWithoutCliDeps([resolve('dist/src/cli/main.js')]);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /commander/);
  });

  it('commander is a dependency of the package, and the bin is an executable script with a shebang', () => {
    assert.ok(pkg.dependencies?.commander, 'commander must be a regular dependency (the bin needs it)');
    assert.equal(pkg.bin['zoho-tokens'], 'dist/src/cli/main.js');
    assert.match(readFileSync(pkg.bin['zoho-tokens'] as string, 'utf8'), /^#!\/usr\/bin\/env node\n/);
  });

  it('runs through a link named zoho-tokens, as npm installs the bin, and does nothing when imported', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const link = join(dir, 'zoho-tokens');
      await symlink(resolve(pkg.bin['zoho-tokens'] as string), link);
      const help = await runNode(link, ['--help']);
      assert.equal(help.code, 0, help.stderr);
      assert.match(help.stdout, /^Usage: zoho-tokens \[options\] \[command\]/);
      const imported = await runNode('--input-type=module', [
        '-e',
        `await import(${JSON.stringify(resolve('dist/src/cli/main.js'))}); console.log('imported')`,
      ]);
      assert.equal(imported.stdout, 'imported\n');
    } finally {
      await cleanup();
    }
  });
});
