// Runs every compiled test file with node's test runner. Node 20 takes no globs, so the files are listed here.
// Usage: node scripts/run-tests.mjs [path-fragment ...]  (only files whose path contains one of the fragments,
// relative to test/, e.g. `lock/` or `stores/redis`)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = 'dist/test';
const filters = process.argv.slice(2).map((fragment) => fragment.replace(/^test\//, ''));
const files = readdirSync(root, { recursive: true })
  .map(String)
  .filter((file) => file.endsWith('.test.js'))
  // tsc -b leaves the output of a renamed or deleted test behind: run only tests whose source is still there.
  .filter((file) => existsSync(join('test', file.replace(/\.js$/, '.ts'))))
  .filter((file) => filters.length === 0 || filters.some((fragment) => file.includes(fragment)))
  .sort()
  .map((file) => join(root, file));

if (files.length === 0) {
  console.error(`No test files under ${root} match ${filters.join(', ') || 'anything'}.`);
  process.exit(1);
}

const result = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
