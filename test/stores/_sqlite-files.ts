import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh folder under the OS temp dir for one test's database files, and its removal. */
export function tempFolder(label: string): { readonly dir: string; file(name: string): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `zts-sqlite-${label}-`));
  return {
    dir,
    file: (name) => join(dir, name),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
