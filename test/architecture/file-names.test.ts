import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { test } from 'node:test';

// A file's name says what it holds, so two files of the library never share one: `open-store.ts` in two folders
// sends a reader (and an editor's quick-open) to the wrong one. A folder's index.ts and an entry point's main.ts
// are the exceptions: their folder is their name.
const EXEMPT = new Set(['index.ts', 'main.ts']);

test('no two source files share a name, index.ts and main.ts aside', () => {
  const files = readdirSync('src', { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('.ts'));
  const byName = new Map<string, string[]>();
  for (const file of files) byName.set(basename(file), [...(byName.get(basename(file)) ?? []), file]);
  const shared = [...byName.entries()].filter(([name, paths]) => paths.length > 1 && !EXEMPT.has(name));
  assert.deepEqual(shared, []);
});
