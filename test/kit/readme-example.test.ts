import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const normalise = (text: string) => text.replace(/\r\n/g, '\n').trim();

test('the README shows the custom store example that test/kit/readme-custom-store.test.ts runs', () => {
  const readme = readFileSync('README.md', 'utf8');
  const example = readFileSync('test/kit/readme-custom-store.test.ts', 'utf8').split('\n').slice(1).join('\n');
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => normalise(match[1] ?? ''));
  assert.ok(blocks.includes(normalise(example)), 'README.md must contain the example file (minus its first comment line) as a ts block');
});
