import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { STORE_ENGINES } from '../../src/stores/engines.js';

// Every engine folder has these files, named after the engine; an engine that talks to something outside the
// process (a driver, a file, a server) has the second set too. Anything else it needs is `<engine>-<what>.ts`.
const EVERY_ENGINE = ['index.ts', 'engine', 'store', 'options', 'backend'];
const SHARED_ENGINE = ['driver', 'errors', 'lock'];

for (const engine of STORE_ENGINES) {
  test(`src/stores/${engine.scheme} has the engine file set, every file named after the engine`, () => {
    const files = readdirSync(`src/stores/${engine.scheme}`).filter((file) => file.endsWith('.ts'));
    const expected = [...EVERY_ENGINE, ...(engine.packages.length > 0 ? SHARED_ENGINE : [])].map((part) =>
      part.endsWith('.ts') ? part : `${engine.scheme}-${part}.ts`,
    );
    assert.deepEqual(
      expected.filter((file) => !files.includes(file)),
      [],
      'missing files',
    );
    assert.deepEqual(
      files.filter((file) => file !== 'index.ts' && !file.startsWith(`${engine.scheme}-`)),
      [],
      'files not named after the engine',
    );
  });
}

test('every folder under src/stores is an engine, the location grammar, or shared SQL naming', () => {
  const folders = readdirSync('src/stores', { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
  const engines = STORE_ENGINES.map((engine) => engine.scheme);
  assert.deepEqual(
    folders.filter((folder) => !engines.includes(folder) && folder !== 'location' && folder !== 'sql'),
    [],
  );
});
