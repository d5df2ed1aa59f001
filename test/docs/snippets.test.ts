// Every JavaScript and TypeScript block of README.md, CONTRIBUTING.md and docs/ runs against the built package, as a
// user's project imports it, or, when marked `<!-- snippet: type-check -->`, is type-checked: a stale snippet fails.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { documents } from './_markdown.js';
import { useSnippets } from './_snippet-project.js';
import { excerptMatches, snippetsOf } from './_snippets.js';

const MINUTE = 60_000;
const snippets = documents().flatMap(snippetsOf);

describe('the code in the README and the docs', { timeout: 60 * MINUTE }, () => {
  const use = useSnippets(snippets);

  it('finds every block: the README, the stores, the lifecycle, the emulator, the official SDK', () => {
    const documentsWithCode = new Set(snippets.map((snippet) => snippet.name.split(':')[0]));
    for (const file of ['README.md', 'docs/lifecycle.md', 'docs/emulator.md', 'docs/official-sdk.md', 'docs/sqlite-store.md']) {
      assert.ok(documentsWithCode.has(file), `${file} has blocks`);
    }
    assert.ok(snippets.length >= 25, `${snippets.length} blocks`);
    assert.ok(snippets.filter((snippet) => snippet.mode === 'run').length >= 0.8 * snippets.length, 'most blocks run');
  });

  for (const snippet of snippets.filter((each) => each.mode === 'excerpt')) {
    it(`${snippet.name} shows ${snippet.excerptOf} as it is`, () => {
      assert.ok(
        excerptMatches(snippet.code, readFileSync(snippet.excerptOf!, 'utf8')),
        `${snippet.name} must show lines of ${snippet.excerptOf} as they are there`,
      );
    });
  }

  for (const snippet of snippets.filter((each) => each.mode !== 'excerpt')) {
    const does = snippet.mode === 'run' ? 'runs' : 'type-checks';
    it(`${snippet.name} ${does} (${snippet.language})`, async () => {
      const typeErrors = use.project.typeErrors(snippet);
      assert.ok(typeErrors.length === 0, `${snippet.name} must type-check:\n${typeErrors.join('\n')}`);
      if (snippet.mode !== 'run') return;
      const result = await use.project.run(snippet, use.world, 5 * MINUTE);
      assert.equal(result.code, 0, `${snippet.name} must run to its end; it printed:\n${result.output}`);
    });
  }
});
