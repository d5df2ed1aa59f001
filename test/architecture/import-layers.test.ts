import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

// What each folder of src may import, lowest layer first. A folder not listed (cli, testing, the root index) may
// import anything. Within a folder, anything goes.
const BASE = ['errors'];
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  errors: [],
  config: BASE,
  time: BASE,
  logging: BASE,
  drivers: BASE,
  token: [...BASE, 'config'],
  contract: [...BASE, 'config', 'token'],
  encryption: [...BASE, 'config', 'token', 'contract'],
  kernel: [...BASE, 'config', 'time', 'logging', 'drivers', 'token', 'contract', 'encryption'],
  stores: [...BASE, 'config', 'time', 'logging', 'drivers', 'token', 'contract', 'encryption', 'kernel'],
  accounts: [...BASE, 'config', 'time', 'logging', 'token'],
  // The default store (SQLite on a file) is imported lazily, when a TokenManager is given no store.
  lifecycle: [...BASE, 'config', 'time', 'logging', 'token', 'contract', 'kernel', 'accounts', 'stores/sqlite'],
  official: [...BASE, 'config', 'time', 'logging', 'drivers', 'token', 'contract', 'kernel', 'accounts', 'lifecycle'],
};

const root = resolve('src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** `stores/postgres/x.ts` → ['stores', 'stores/postgres'] (the folder and its top folder). */
const areasOf = (file: string): string[] => {
  const parts = relative(root, file).split('/').slice(0, -1);
  return parts.length === 0 ? ['(root)'] : parts.map((_, i) => parts.slice(0, i + 1).join('/'));
};

test('each folder of src imports only the layers below it (contract/ nothing above token/)', () => {
  const broken: string[] = [];
  for (const file of sourceFiles(root)) {
    const [top] = areasOf(file);
    const allowed = ALLOWED[top as string];
    if (allowed === undefined) continue;
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = resolve(dirname(file), (match[1] as string).replace(/\.js$/, '.ts'));
      const targetAreas = areasOf(target);
      if (targetAreas[0] === top) continue;
      if (!targetAreas.some((area) => allowed.includes(area))) broken.push(`${relative(root, file)} → ${relative(root, target)}`);
    }
  }
  assert.deepEqual(broken, []);
});
