// An empty project that installs the package as a user would, then uses it the ways users do: import and require
// every subpath, type-check against its declarations, run its CLI.
import assert from 'node:assert/strict';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { childEnv, runCommand } from '../_commands.js';

const MINUTE = 60_000;
const REPO = resolve('.');
const PACKAGE = 'zoho-token-store';

/** A row of the official token file, as the official SDK writes it (no secret of any real account). */
const TOKEN_FILE = [
  'id,user_name,client_id,client_secret,refresh_token,access_token,grant_token,expiry_time,redirect_url,api_domain',
  `1,ada@example.com,1000.CLIENT,secret,1000.refresh.token,1000.access.token,,${Date.now() + 3_600_000},,https://www.zohoapis.com`,
  '',
].join('\n');

export interface Consumer {
  readonly dir: string;
  npm(args: readonly string[], timeoutMs?: number): Promise<string>;
  node(args: readonly string[]): Promise<string>;
}

export async function createConsumer(dir: string): Promise<Consumer> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }, null, 2));
  const env = childEnv();
  return {
    dir,
    npm: async (args, timeoutMs = 15 * MINUTE) =>
      (await runCommand('npm', ['--no-audit', '--no-fund', ...args], { cwd: dir, env, timeoutMs })).stdout,
    node: async (args) => (await runCommand(process.execPath, args, { cwd: dir, env, timeoutMs: 2 * MINUTE })).stdout,
  };
}

/** The subpaths of the installed package's exports map that are modules. */
async function subpathsOf(consumer: Consumer): Promise<string[]> {
  const manifest = JSON.parse(await readFile(join(consumer.dir, 'node_modules', PACKAGE, 'package.json'), 'utf8')) as {
    exports: Record<string, unknown>;
  };
  return Object.keys(manifest.exports)
    .filter((subpath) => subpath !== './package.json')
    .map((subpath) => (subpath === '.' ? PACKAGE : `${PACKAGE}/${subpath.slice(2)}`));
}

/** What each subpath exports, read by the repository's own build through the package's name. */
async function exportedNames(specifiers: readonly string[]): Promise<Record<string, string[]>> {
  const names: Record<string, string[]> = {};
  for (const specifier of specifiers) names[specifier] = Object.keys(await import(specifier)).sort();
  return names;
}

export async function checkImportAndRequire(consumer: Consumer): Promise<void> {
  const specifiers = await subpathsOf(consumer);
  assert.ok(specifiers.length >= 8, `the exports map lists ${specifiers.length} subpaths`);
  const expected = await exportedNames(specifiers);
  const list = JSON.stringify(specifiers);
  const imported = JSON.parse(
    await consumer.node([
      '--input-type=module',
      '-e',
      `const names = {}; for (const s of ${list}) names[s] = Object.keys(await import(s)).sort(); console.log(JSON.stringify(names));`,
    ]),
  ) as Record<string, string[]>;
  assert.deepEqual(imported, expected, 'import() of every subpath gives what the repository builds');
  // require() of an ES module works unflagged from Node 20.19 and 22.12: the floor "engines" states.
  const required = JSON.parse(
    await consumer.node([
      '--no-warnings',
      '-e',
      `const names = {}; for (const s of ${list}) names[s] = Object.keys(require(s)).filter((k) => k !== '__esModule' && k !== 'module.exports').sort(); console.log(JSON.stringify(names));`,
    ]),
  ) as Record<string, string[]>;
  assert.deepEqual(required, expected, 'require() of every subpath gives the same exports');
}

/** Type-checks a user's file against the installed declarations, with the repository's TypeScript. */
export async function checkTypes(consumer: Consumer): Promise<void> {
  const specifiers = await subpathsOf(consumer);
  await mkdir(join(consumer.dir, 'node_modules', '@types'), { recursive: true });
  await symlink(join(REPO, 'node_modules', '@types', 'node'), join(consumer.dir, 'node_modules', '@types', 'node'), 'dir');
  const lines = [
    "import { MemoryStore, OAuthToken, type TokenStore } from 'zoho-token-store';",
    "import { SQLiteStore } from 'zoho-token-store/sqlite';",
    "import { AccountsEmulator } from 'zoho-token-store/testing';",
    ...specifiers.map((specifier, i) => `import * as subpath${i} from '${specifier}';`),
    'const store: TokenStore = new MemoryStore();',
    "const token: OAuthToken = new OAuthToken({ userSignature: 'ada@example.com', refreshToken: '1000.r' });",
    'export const opened: Promise<SQLiteStore> = SQLiteStore.open({ path: ":memory:" });',
    'export const emulator: Promise<AccountsEmulator> = AccountsEmulator.start();',
    'export const saved: Promise<void> = store.saveToken(token);',
    `export const modules = [${specifiers.map((_, i) => `subpath${i}`).join(', ')}];`,
    '// @ts-expect-error: the declarations are real types, not any',
    'export const notAString: string = new MemoryStore();',
  ];
  await writeFile(join(consumer.dir, 'index.ts'), `${lines.join('\n')}\n`);
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
    },
    files: ['index.ts'],
  };
  await writeFile(join(consumer.dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  await consumer.node([join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json']);
}

/** The CLI from the project's node_modules/.bin: its help, a missing driver named, then a real listing. */
export async function checkCli(consumer: Consumer): Promise<void> {
  const help = await consumer.npm(['exec', '--no', '--', 'zoho-tokens', '--help']);
  assert.match(help, /Usage: zoho-tokens/);
  await writeFile(join(consumer.dir, 'sdk_tokens.txt'), TOKEN_FILE);
  const env = childEnv();
  const missing = await runCommand('npm', ['exec', '--no', '--', 'zoho-tokens', 'list', '--store', 'file:./sdk_tokens.txt'], {
    cwd: consumer.dir,
    env,
    allowFailure: true,
  });
  assert.notEqual(missing.code, 0, 'the token file store needs proper-lockfile, which is not installed yet');
  assert.match(missing.stderr, /proper-lockfile/, 'the error names the package to install');
  await consumer.npm(['install', 'proper-lockfile']);
  const listing = await consumer.npm(['exec', '--no', '--', 'zoho-tokens', 'list', '--store', 'file:./sdk_tokens.txt']);
  assert.match(listing, /ada@example\.com/);
  assert.doesNotMatch(listing, /1000\.refresh\.token|1000\.access\.token|secret/, 'list prints no secret');
}
