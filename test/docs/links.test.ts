// Every link in the README and the docs works where readers open them: on the repository's site, on npm (which
// resolves relative links against "repository"), and in node_modules/zoho-token-store, which holds only what is packed.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { before, describe, it } from 'node:test';
import { childEnv, runCommand } from '../_commands.js';
import { anchorsOf, documents, linksOf, proseLines, type Link } from './_markdown.js';

const REPOSITORY = 'https://github.com/zoho-token-store/zoho-token-store';
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

describe('links in README.md, CONTRIBUTING.md and docs/', () => {
  let packed = new Set<string>();

  before(async () => {
    // The file list npm would pack now (the build's output aside, it depends only on "files").
    const { stdout } = await runCommand('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: '.',
      env: childEnv(),
      timeoutMs: 120_000,
    });
    const [result] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ files: Array<{ path: string }> }>;
    packed = new Set(result!.files.map((file) => file.path));
  });

  /** Why a link is dead, or null. */
  function problemOf(link: Link): string | null {
    const [path = '', anchor] = link.target.split('#');
    if (SCHEME.test(link.target)) {
      const inRepository = new RegExp(`^${REPOSITORY}/(?:blob|tree)/main/([^#?]+)`).exec(link.target)?.[1];
      if (inRepository !== undefined && !existsSync(decodeURI(inRepository))) return `${inRepository} is not in the repository`;
      return null;
    }
    const file = path === '' ? link.file : normalize(join(dirname(link.file), decodeURI(path)));
    if (file.startsWith('..')) return 'points outside the repository';
    if (!existsSync(file)) return `${file} does not exist`;
    if (statSync(file).isDirectory()) return `${file} is a folder (link to a file; npm and node_modules show no folder pages)`;
    if (!packed.has(file)) return `${file} is not in the package (add it to "files", or link to ${REPOSITORY}/blob/main/${file})`;
    if (anchor !== undefined && file.endsWith('.md') && !anchorsOf(file).has(anchor))
      return `${file} has no heading with the anchor #${anchor}`;
    return null;
  }

  it('every relative link points to a file that exists and is packed, and every anchor to a heading', () => {
    const problems = documents()
      .flatMap(linksOf)
      .map((link) => ({ link, problem: problemOf(link) }))
      .filter(({ problem }) => problem !== null)
      .map(({ link, problem }) => `${link.file}:${link.line} (${link.target}): ${problem}`);
    assert.deepEqual(problems, []);
  });

  it('finds the links it checks: every document is reachable from the README', () => {
    const reached = new Set(['README.md']);
    const queue = ['README.md'];
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      for (const link of linksOf(file)) {
        const [path = ''] = link.target.split('#');
        if (SCHEME.test(link.target) || !path.endsWith('.md')) continue;
        const target = normalize(join(dirname(file), decodeURI(path)));
        if (reached.has(target) || !existsSync(target)) continue;
        reached.add(target);
        queue.push(target);
      }
    }
    assert.ok(linksOf('README.md').length >= 20, 'the README links to the docs');
    assert.deepEqual(
      documents().filter((file) => !reached.has(file)),
      [],
      'documents no link leads to',
    );
  });

  it('every Markdown file a document names in code (`notes.md`) is in the repository', () => {
    const missing = documents().flatMap((file) =>
      proseLines(readFileSync(file, 'utf8')).flatMap((line, index) =>
        [...line.matchAll(/`([\w./-]+\.md)`/g)]
          .map((match) => match[1]!)
          .filter((named) => !existsSync(normalize(join(dirname(file), named))) && !existsSync(named))
          .map((named) => `${file}:${index + 1}: ${named}`),
      ),
    );
    assert.deepEqual(missing, []);
  });
});
