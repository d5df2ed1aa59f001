import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temporary directory for one test; `remove()` deletes it and everything in it. */
export function tempDir(label = 'file-store'): { path: string; file: (name?: string) => string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `zts-${label}-`));
  return {
    path,
    file: (name = 'sdk_tokens.txt') => join(path, name),
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}
