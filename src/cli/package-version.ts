import { readFileSync } from 'node:fs';

/**
 * The version of the installed package, read from its own package.json at run time (dist/src/cli → the package
 * root), so `--version` can never disagree with what npm installed. `unknown` if the file cannot be read.
 */
export function packageVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
