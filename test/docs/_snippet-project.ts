// A user's project holding the documentation snippets: its node_modules links this repository as
// `zoho-token-store` (so `import … from 'zoho-token-store/sqlite'` resolves through the exports map to the build, as
// for users) and the drivers the snippets import. TypeScript blocks and type-check-only blocks are type-checked
// with a strict user configuration in one program; blocks that run then run one by one, each in a folder of its own.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { after, before } from 'node:test';
import { childEnv, runCommand } from '../_commands.js';
import type { Snippet } from './_snippets.js';
import { startSnippetWorld, type SnippetWorld } from './_snippet-world.js';

const REPO = resolve('.');
const LINKED = [
  'better-sqlite3',
  'pg',
  'mysql2',
  'ioredis',
  'proper-lockfile',
  '@aws-sdk',
  '@smithy',
  '@zohocrm',
  '@types',
  '@opentelemetry',
];
const PRELOAD = resolve('dist/test/docs/_snippet-network.js');
const RUNNER = resolve('dist/test/docs/_snippet-runner.js');

export interface SnippetResult {
  readonly code: number | null;
  readonly output: string;
}

export interface SnippetProject {
  readonly dir: string;
  /** Type errors in the snippet, as `document:line: message`. */
  typeErrors(snippet: Snippet): string[];
  run(snippet: Snippet, world: SnippetWorld, timeoutMs: number): Promise<SnippetResult>;
  remove(): Promise<void>;
}

const fileName = (snippet: Snippet): string =>
  snippet.savedAs?.replace(/\.(ts|js)$/, '') ??
  snippet.name
    .replace(/^docs\//, '')
    .replace(/\.md:/, '-')
    .replace(/[^\w-]/g, '-')
    .toLowerCase();
const sourceOf = (dir: string, snippet: Snippet): string => join(dir, 'src', `${fileName(snippet)}.${snippet.language}`);
const builtOf = (dir: string, snippet: Snippet): string => join(dir, 'out', `${fileName(snippet)}.js`);

/** What `tsc` reports for the snippets, by source file. */
function typeCheck(dir: string, files: readonly string[]): Map<string, ts.Diagnostic[]> {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    skipLibCheck: true,
    types: ['node'],
    typeRoots: [join(dir, 'node_modules', '@types')],
    allowJs: true,
    checkJs: true,
    rootDir: join(dir, 'src'),
    outDir: join(dir, 'out'),
  };
  const program = ts.createProgram({ rootNames: files, options });
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...program.emit().diagnostics];
  const byFile = new Map<string, ts.Diagnostic[]>();
  for (const diagnostic of diagnostics) {
    const key = diagnostic.file?.fileName ?? '';
    byFile.set(key, [...(byFile.get(key) ?? []), diagnostic]);
  }
  return byFile;
}

export async function createSnippetProject(all: readonly Snippet[]): Promise<SnippetProject> {
  // An excerpt is checked against the file it quotes (snippets.test.ts), never compiled or run.
  const snippets = all.filter((snippet) => snippet.mode !== 'excerpt');
  const dir = await mkdtemp(join(tmpdir(), 'zoho-token-store-snippets-'));
  await mkdir(join(dir, 'src'), { recursive: true });
  await mkdir(join(dir, 'node_modules'), { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'docs-snippets', private: true, type: 'module' }, null, 2));
  await symlink(REPO, join(dir, 'node_modules', 'zoho-token-store'), 'dir');
  for (const name of LINKED) await symlink(join(REPO, 'node_modules', name), join(dir, 'node_modules', name), 'dir');
  for (const snippet of snippets) await writeFile(sourceOf(dir, snippet), snippet.code);

  // TypeScript blocks are checked and compiled; JavaScript blocks that run are run as written.
  const checked = snippets.filter((snippet) => snippet.language === 'ts' || snippet.mode === 'type-check');
  const diagnostics = typeCheck(
    dir,
    checked.map((snippet) => sourceOf(dir, snippet)),
  );
  const unplaced = [...diagnostics.entries()].filter(
    ([file]) => !checked.some((snippet) => resolve(sourceOf(dir, snippet)) === resolve(file)),
  );

  return {
    dir,
    typeErrors(snippet) {
      const own = diagnostics.get(sourceOf(dir, snippet)) ?? [];
      const errors = [...own, ...unplaced.flatMap(([, list]) => list)].map((diagnostic) => {
        const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
        if (!diagnostic.file || diagnostic.start === undefined) return `${snippet.name}: ${message}`;
        const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
        const [document] = snippet.name.split(':');
        return `${document}:${snippet.firstLine + line}: ${message}`;
      });
      return errors;
    },
    async run(snippet, world, timeoutMs) {
      const folder = join(dir, 'run', fileName(snippet));
      await mkdir(folder, { recursive: true });
      const prepared = await world.prepare(snippet.code, folder);
      try {
        const file = snippet.language === 'ts' ? builtOf(dir, snippet) : sourceOf(dir, snippet);
        // A block written as a node:test file runs as one; any other block is imported, then its process ends.
        const args = /from ['"]node:test['"]/.test(snippet.code) ? [file] : [RUNNER, file];
        const result = await runCommand(process.execPath, ['--import', PRELOAD, ...args], {
          cwd: folder,
          env: childEnv(prepared.env),
          timeoutMs,
          allowFailure: true,
        });
        return { code: result.code, output: result.stdout + result.stderr };
      } finally {
        await prepared.cleanup();
      }
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** The project and the world for the snippets of a test file, made before its tests and removed after them. */
export function useSnippets(snippets: readonly Snippet[]): { readonly project: SnippetProject; readonly world: SnippetWorld } {
  let project: SnippetProject | undefined;
  let world: SnippetWorld | undefined;
  before(async () => {
    project = await createSnippetProject(snippets);
    world = await startSnippetWorld();
  });
  after(async () => {
    await world?.close();
    await project?.remove();
  });
  return {
    get project() {
      if (!project) throw new Error('the snippet project is made before the tests');
      return project;
    },
    get world() {
      if (!world) throw new Error('the snippet world starts before the tests');
      return world;
    },
  };
}
