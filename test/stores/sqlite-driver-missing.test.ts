import assert from 'node:assert/strict';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runNode } from '../_processes.js';
import { tempFolder } from './_sqlite-files.js';

const folder = tempFolder('no-driver');
after(() => folder.remove());

test('without better-sqlite3 installed, SQLiteStore.open rejects with DRIVER_MISSING naming the package', async () => {
  // A copy of the built library in a folder with no node_modules: better-sqlite3 cannot be resolved from there.
  cpSync('dist/src', join(folder.dir, 'dist/src'), { recursive: true });
  writeFileSync(join(folder.dir, 'package.json'), JSON.stringify({ name: 'copy', type: 'module' }));
  const script = join(folder.dir, 'open.mjs');
  writeFileSync(
    script,
    `import { SQLiteStore } from './dist/src/stores/sqlite/index.js';
     import { MemoryStore } from './dist/src/index.js';
     new MemoryStore(); // the core still loads without the driver
     try { await SQLiteStore.open({ path: ':memory:' }); console.log('opened'); }
     catch (error) { console.log(JSON.stringify({ code: error.code, message: error.message })); }`,
  );
  const result = await runNode(script);
  assert.equal(result.code, 0, result.stderr);
  const outcome = JSON.parse(result.stdout) as { code: string; message: string };
  assert.equal(outcome.code, 'DRIVER_MISSING');
  assert.match(outcome.message, /npm install better-sqlite3/);
});
