import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  exports: Record<string, { types?: string; default?: string } | string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  files: string[];
  sideEffects: boolean;
  type: string;
};

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s*['"]([^'"]+)['"]/gm;

/** Bare (package) specifiers statically imported by a compiled file. */
function packageImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)]
    .map((match) => match[1] ?? match[2] ?? match[3] ?? '')
    .filter((specifier) => specifier !== '' && !specifier.startsWith('.') && !specifier.startsWith('node:'));
}

const compiled = (dir: string) =>
  readdirSync(dir, { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('.js'))
    .map((file) => join(dir, file));

describe('packaging', () => {
  it('is an ESM package whose exports list types first and point at built files', () => {
    assert.equal(pkg.type, 'module');
    assert.equal(pkg.sideEffects, false);
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      if (typeof target === 'string') continue;
      assert.equal(Object.keys(target)[0], 'types', `${subpath}: "types" must come first`);
      for (const file of [target.types, target.default]) assert.ok(file && existsSync(file), `${subpath}: ${file} must exist after the build`);
      assert.ok(pkg.files.some((entry) => target.default?.replace(/^\.\//, '').startsWith(entry)), `${subpath} must be in "files"`);
    }
  });

  it('keeps the core free of runtime dependencies: library code imports only node: modules, statically', () => {
    const offenders = compiled('dist/src')
      .filter((file) => !file.includes(`${join('dist', 'src', 'cli')}`))
      .flatMap((file) => packageImports(file).map((specifier) => `${file} imports ${specifier}`));
    assert.deepEqual(offenders, []);
  });

  it('declares every database driver as an optional peer dependency', () => {
    for (const name of Object.keys(pkg.peerDependencies ?? {})) {
      assert.equal(pkg.peerDependenciesMeta?.[name]?.optional, true, `${name} must be marked optional`);
    }
  });
});
