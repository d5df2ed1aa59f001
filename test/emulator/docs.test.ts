import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const normalise = (text: string) => text.replace(/\r\n/g, '\n').trim();

test('docs/emulator.md shows the example that test/emulator/docs-example.test.ts runs', () => {
  const doc = readFileSync('docs/emulator.md', 'utf8');
  const example = readFileSync('test/emulator/docs-example.test.ts', 'utf8').split('\n').slice(1).join('\n');
  const blocks = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => normalise(match[1] ?? ''));
  assert.ok(blocks.includes(normalise(example)), 'docs/emulator.md must contain the example file (minus its first comment line) as a ts block');
});

test('docs/emulator.md lists every limit with its default', async () => {
  const { DEFAULT_EMULATOR_LIMITS } = await import('zoho-token-store/testing');
  const doc = readFileSync('docs/emulator.md', 'utf8');
  for (const [name, value] of Object.entries(DEFAULT_EMULATOR_LIMITS)) {
    const row = doc.split('\n').find((line) => line.startsWith(`| \`${name}\``));
    assert.ok(row, `docs/emulator.md must have a table row for ${name}`);
    assert.ok(row.replace(/_/g, '').includes(`| ${value} |`), `the row of ${name} must give its default ${value}`);
  }
});
