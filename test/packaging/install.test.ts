// The package as users get it: from a clean clone of the committed HEAD, `npm install` leaves every tracked file
// alone, `npm pack` packs a complete fresh build, and both the tarball and a git dependency of the repository install
// into empty projects where every subpath imports, requires and type-checks, and the CLI runs.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { childEnv, runCommand } from '../_commands.js';
import { checkCli, checkImportAndRequire, checkTypes, createConsumer, type Consumer } from './_consumer.js';

const MINUTE = 60_000;
const REPO = resolve('.');

interface PackResult {
  readonly filename: string;
  readonly files: ReadonlyArray<{ readonly path: string }>;
}

describe('the package as users install it', { timeout: 60 * MINUTE, concurrency: true }, () => {
  let work = '';
  let clone = '';
  let head = '';
  let statusAfterInstall = '';
  let packed: PackResult;
  // The git dependency's install (a clone, its devDependencies, its build) is the slowest step: it starts as soon
  // as the clone exists and runs while the tarball is made and tried.
  let fromGit: Promise<Consumer>;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'zoho-token-store-packaging-'));
    clone = join(work, 'clone');
    const env = childEnv();
    await runCommand('git', ['clone', '--quiet', '--no-hardlinks', REPO, clone], { cwd: work, env });
    head = (await runCommand('git', ['rev-parse', 'HEAD'], { cwd: clone, env })).stdout.trim();
    fromGit = installFromGit(join(work, 'from-git'), `git+file://${clone}#${head}`);
    fromGit.catch(() => {}); // awaited (and reported) by its test
    // What a contributor runs first (scripts skipped: the build is npm pack's job here, and better-sqlite3's
    // native build is not needed to pack).
    await runCommand('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: clone, env, timeoutMs: 20 * MINUTE });
    statusAfterInstall = (await runCommand('git', ['status', '--porcelain'], { cwd: clone, env })).stdout;
    // A leftover from an earlier build must not ship: prepack starts from an empty dist/.
    await mkdir(join(clone, 'dist', 'src'), { recursive: true });
    await writeFile(join(clone, 'dist', 'src', 'leftover.js'), 'export {};\n');
    const output = (await runCommand('npm', ['pack', '--json', '--pack-destination', work], { cwd: clone, env, timeoutMs: 20 * MINUTE }))
      .stdout;
    packed = (JSON.parse(output.slice(output.indexOf('['))) as PackResult[])[0]!;
  });

  after(async () => {
    await fromGit?.catch(() => {});
    if (work !== '') await rm(work, { recursive: true, force: true });
  });

  it('npm install on a fresh clone leaves package-lock.json and every tracked file as committed', () => {
    assert.equal(statusAfterInstall, '', `git status after npm install:\n${statusAfterInstall}`);
  });

  it('npm pack on a fresh clone packs a fresh build of src, the docs with their images, the LICENSE, and nothing else', async () => {
    const files = packed.files.map((file) => file.path).sort();
    const docs = (await readdir(join(clone, 'docs'), { recursive: true })).map((file) => `docs/${String(file)}`);
    const required = [
      'package.json',
      'README.md',
      'LICENSE',
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/src/cli/main.js',
      'src/index.ts',
    ];
    for (const file of [...required, ...docs.filter((file) => /\.(md|png)$/.test(file))])
      assert.ok(files.includes(file), `the tarball must hold ${file}`);
    const shipped = /^(dist\/src\/|src\/|docs\/|README\.md$|LICENSE$|CONTRIBUTING\.md$|package\.json$)/;
    assert.deepEqual(
      files.filter((file) => !shipped.test(file)),
      [],
      'only the built library, its sources, docs and metadata ship',
    );
    assert.ok(!files.includes('dist/src/leftover.js'), 'a file left in dist/ by an earlier build is not packed');
  });

  it('installs from the tarball: every subpath imports, requires and type-checks, and the CLI runs', async () => {
    const consumer = await createConsumer(join(work, 'from-tarball'));
    await consumer.npm(['install', join(work, packed.filename)]);
    await checkImportAndRequire(consumer);
    await checkTypes(consumer);
    await checkCli(consumer);
  });

  it('installs as a git dependency, which builds itself: every subpath imports, requires and type-checks, and the CLI runs', async () => {
    const consumer = await fromGit;
    await checkImportAndRequire(consumer);
    await checkTypes(consumer);
    await checkCli(consumer);
  });
});

async function installFromGit(dir: string, spec: string): Promise<Consumer> {
  const consumer = await createConsumer(dir);
  await consumer.npm(['install', spec], 30 * MINUTE);
  return consumer;
}
