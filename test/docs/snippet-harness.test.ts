// The snippet test itself: a block that went stale (a renamed export, a call that throws, a type error, a host the
// docs should not reach) fails it, a type-check block is checked and not run, and markers are read strictly.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useSnippets } from './_snippet-project.js';
import { excerptMatches, snippetsIn, type Snippet } from './_snippets.js';

const MINUTE = 60_000;

const document = [
  '# A stale document',
  '```js',
  "import { MemoryStore } from 'zoho-token-store';",
  'const store = await MemoryStore.open();',
  "console.log('opened', (await store.getTokens()).length);",
  '```',
  '```js',
  "import { MemoryStoreThatWasRenamed } from 'zoho-token-store';",
  'await MemoryStoreThatWasRenamed.open();',
  '```',
  '```js',
  "import { OAuthToken } from 'zoho-token-store';",
  "new OAuthToken({ userSignature: 'a\\u0000b' });",
  '```',
  '```ts',
  "import { MemoryStore } from 'zoho-token-store';",
  'const count: string = (await (await MemoryStore.open()).getTokens()).length;',
  '```',
  '<!-- snippet: type-check -->',
  '```ts',
  "import { MemoryStore } from 'zoho-token-store';",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the block's own code, a template literal.
  'throw new Error(`never run: ${typeof MemoryStore}`);',
  '```',
  '```js',
  "await fetch('https://zoho.example.org/');",
  '```',
  '```sh',
  'npm test',
  '```',
  '<!-- snippet: saved as greeting.ts -->',
  '```ts',
  "export const greeting = 'saved under its name';",
  '```',
  '```ts',
  "import { greeting } from './greeting.js';",
  'console.log(greeting);',
  '```',
].join('\n');

describe('the documentation snippet test', { timeout: 10 * MINUTE }, () => {
  const snippets = snippetsIn('STALE.md', document);
  const [works, renamedExport, throws, typeError, typeCheckOnly, otherHost, , importsSaved] = snippets as [
    Snippet,
    Snippet,
    Snippet,
    Snippet,
    Snippet,
    Snippet,
    Snippet,
    Snippet,
  ];
  const use = useSnippets(snippets);

  it('reads the js and ts blocks with their document line, and their mode', () => {
    assert.deepEqual(
      snippets.map((snippet) => [snippet.name, snippet.language, snippet.mode, snippet.firstLine]),
      [
        ['STALE.md:2', 'js', 'run', 3],
        ['STALE.md:7', 'js', 'run', 8],
        ['STALE.md:11', 'js', 'run', 12],
        ['STALE.md:15', 'ts', 'run', 16],
        ['STALE.md:20', 'ts', 'type-check', 21],
        ['STALE.md:24', 'js', 'run', 25],
        ['STALE.md:31', 'ts', 'run', 32],
        ['STALE.md:34', 'ts', 'run', 35],
      ],
    );
    assert.equal(snippets[6]!.savedAs, 'greeting.ts');
    const [excerpt] = snippetsIn('X.md', '<!-- snippet: excerpt of src/kernel/lock/lock-engine.ts -->\n```ts\nfoo();\n```\n');
    assert.deepEqual([excerpt!.mode, excerpt!.excerptOf], ['excerpt', 'src/kernel/lock/lock-engine.ts']);
    assert.throws(() => snippetsIn('X.md', '<!-- snippet: excerpt of ../../etc/passwd -->\n```ts\n1;\n```\n'), /unknown snippet marker/);
    assert.throws(() => snippetsIn('X.md', '<!-- snippet: skip -->\n```js\n1;\n```\n'), /unknown snippet marker "skip"/);
    assert.throws(() => snippetsIn('X.md', '<!-- snippet: type-check -->\n```sh\nls\n```\n'), /not js or ts/);
    assert.throws(() => snippetsIn('X.md', '```js\n1;\n'), /never closed/);
  });

  it('checks an excerpt line by line against its file, indentation aside', () => {
    const file = 'class A {\n  run(): void {\n    one();\n\n    two();\n  }\n}\n';
    assert.ok(excerptMatches('run(): void {\n  one();\n  two();\n}\n', file));
    assert.ok(!excerptMatches('run(): void {\n  two();\n}\n', file), 'a line left out');
    assert.ok(!excerptMatches('run(): void {\n  one(); // changed\n', file), 'a line changed');
  });

  it('runs a block that imports a block saved under its name', async () => {
    assert.deepEqual(use.project.typeErrors(importsSaved), []);
    const result = await use.project.run(importsSaved, use.world, 5 * MINUTE);
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /saved under its name/);
  });

  it('runs a block that works', async () => {
    const result = await use.project.run(works, use.world, 5 * MINUTE);
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /opened 0/);
  });

  it('fails a block that imports an export the package no longer has', async () => {
    const result = await use.project.run(renamedExport, use.world, 5 * MINUTE);
    assert.notEqual(result.code, 0);
    assert.match(result.output, /does not provide an export named 'MemoryStoreThatWasRenamed'/);
  });

  it('fails a block that throws', async () => {
    const result = await use.project.run(throws, use.world, 5 * MINUTE);
    assert.notEqual(result.code, 0);
    assert.match(result.output, /INVALID_ARGUMENT|NUL/);
  });

  it('reports a type error at its line in the document', () => {
    const errors = use.project.typeErrors(typeError);
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0]!, /^STALE\.md:17: Type 'number' is not assignable to type 'string'/);
    assert.deepEqual(use.project.typeErrors(works), [], 'a JavaScript block that runs is not type-checked');
  });

  it('type-checks a type-check block (it is never run: its code would throw)', () => {
    assert.deepEqual(use.project.typeErrors(typeCheckOnly), []);
    assert.equal(typeCheckOnly.mode, 'type-check');
  });

  it('fails a block that reaches a host with no local stand-in, before anything is sent', async () => {
    const result = await use.project.run(otherHost, use.world, 5 * MINUTE);
    assert.notEqual(result.code, 0);
    assert.match(result.output, /https:\/\/zoho\.example\.org, which has no local stand-in/);
  });
});
