import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

test('docs/emulator.md lists every limit with its default', async () => {
  const { DEFAULT_EMULATOR_LIMITS } = await import('zoho-token-store/testing');
  const doc = readFileSync('docs/emulator.md', 'utf8');
  for (const [name, value] of Object.entries(DEFAULT_EMULATOR_LIMITS)) {
    const row = doc.split('\n').find((line) => line.startsWith(`| \`${name}\``));
    assert.ok(row, `docs/emulator.md must have a table row for ${name}`);
    assert.ok(row.replace(/_/g, '').includes(`| ${value} |`), `the row of ${name} must give its default ${value}`);
  }
});
