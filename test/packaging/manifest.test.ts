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
  engines: { node: string };
  repository: { type: string; url: string };
  homepage: string;
  bugs: { url: string };
  keywords: string[];
  scripts: Record<string, string>;
  [field: string]: unknown;
};

/** The one address of the project's repository (no public remote is verified yet; every field names the same). */
const REPOSITORY = 'https://github.com/zoho-token-store/zoho-token-store';

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
      for (const file of [target.types, target.default])
        assert.ok(file && existsSync(file), `${subpath}: ${file} must exist after the build`);
      assert.ok(
        pkg.files.some((entry) => target.default?.replace(/^\.\//, '').startsWith(entry)),
        `${subpath} must be in "files"`,
      );
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

  it('has a lockfile whose root entry matches package.json, so `npm install` has nothing to rewrite', () => {
    const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
      name: string;
      version: string;
      packages: Record<string, Record<string, unknown>>;
    };
    const root = lock.packages[''] ?? {};
    assert.equal(lock.name, pkg.name);
    assert.equal(lock.version, pkg.version);
    const fields = [
      'name',
      'version',
      'license',
      'bin',
      'engines',
      'dependencies',
      'devDependencies',
      'optionalDependencies',
      'peerDependencies',
      'peerDependenciesMeta',
    ];
    for (const field of fields) {
      assert.deepEqual(
        root[field],
        pkg[field],
        `package-lock.json's root "${field}" must match package.json: run \`npm install\` and commit the lockfile`,
      );
    }
  });

  it('names its license, repository, homepage and issue tracker, all at one address', () => {
    assert.match(readFileSync('LICENSE', 'utf8'), /^MIT License\n\nCopyright \(c\) 2026 The zoho-token-store authors\n/);
    assert.equal(pkg.license, 'MIT');
    assert.deepEqual(pkg.repository, { type: 'git', url: `git+${REPOSITORY}.git` });
    assert.equal(pkg.homepage, `${REPOSITORY}#readme`);
    assert.deepEqual(pkg.bugs, { url: `${REPOSITORY}/issues` });
    assert.ok(pkg.keywords.includes('zoho-crm'));
  });

  it('builds itself when installed from git, and packs a fresh build', () => {
    assert.match(pkg.scripts.prepare ?? '', /npm run build/, 'a git dependency runs "prepare"');
    assert.match(pkg.scripts.prepack ?? '', /rmSync\('dist'.*tsc -p tsconfig\.build\.json/, '"prepack" empties dist/ and builds src only');
    const build = JSON.parse(readFileSync('tsconfig.build.json', 'utf8')) as { include: string[] };
    assert.deepEqual(build.include, ['src']);
  });

  it('states the Node.js versions whose require() loads it (20.19+, 22.12+), and every tested version is among them', () => {
    // require() of an ES module works without a flag from 20.19.0 and 22.12.0; this package is ESM only.
    const satisfied = (version: string) => satisfiesRange(version, pkg.engines.node);
    for (const version of ['20.19.0', '22.12.0', '24.0.0', '26.1.0']) assert.ok(satisfied(version), `engines must allow ${version}`);
    for (const version of ['18.20.0', '20.18.3', '21.7.0', '22.11.0']) assert.ok(!satisfied(version), `engines must exclude ${version}`);
    const pins = JSON.parse(readFileSync('scripts/node-versions.json', 'utf8')) as Record<string, { version: string }>;
    const tested = Object.entries(pins)
      .filter(([key]) => !key.startsWith('$'))
      .map(([, pin]) => pin.version);
    assert.deepEqual(
      tested.map((version) => version.split('.')[0]),
      ['20', '22', '24'],
    );
    for (const version of [...tested, process.versions.node]) assert.ok(satisfied(version), `engines must allow the tested ${version}`);
  });
});

/** `^x.y.z` and `>=x.y.z` alternatives joined by `||`: the only forms "engines" uses. */
function satisfiesRange(version: string, range: string): boolean {
  const parse = (text: string) => text.split('.').map(Number) as [number, number, number];
  const atLeast = (a: number[], b: number[]) => a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!;
  const v = parse(version);
  return range.split('||').some((alternative) => {
    const match = /^\s*(\^|>=)(\d+\.\d+\.\d+)\s*$/.exec(alternative);
    if (!match) throw new Error(`unexpected engines range form: ${alternative}`);
    const floor = parse(match[2]!);
    return atLeast(v, floor) >= 0 && (match[1] === '>=' || v[0] === floor[0]);
  });
}
