// Every place the documentation states the refresh margin says what the code does (DEFAULT_REFRESH_MARGIN_MS).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_REFRESH_MARGIN_MS } from 'zoho-token-store';

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  second: 1_000,
  seconds: 1_000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
};
const DOCS = [
  'README.md',
  ...readdirSync('docs')
    .filter((name) => name.endsWith('.md'))
    .map((name) => join('docs', name)),
];
// "refresh margin (60 s", "refreshMarginMs`, default **60 s**", "margin, 60 s or less": the first duration within a
// few words of a mention of the margin, in the same sentence and table cell.
const STATEMENT = /(?:refresh margin|refreshMarginMs)[^.|\n]{0,40}?\b(\d[\d,_]*)\s*(ms|s|seconds?|min|minutes?)\b/gi;

test('the docs state the refresh margin as the code has it', () => {
  const statements: string[] = [];
  for (const file of DOCS) {
    const text = readFileSync(file, 'utf8').replace(/\s*\n\s*/g, ' ');
    for (const match of text.matchAll(STATEMENT)) {
      const ms = Number((match[1] as string).replace(/[,_]/g, '')) * (UNIT_MS[(match[2] as string).toLowerCase()] as number);
      statements.push(`${file}: "${match[0]}"`);
      assert.equal(
        ms,
        DEFAULT_REFRESH_MARGIN_MS,
        `${file} says "${match[0]}"; the default refresh margin is ${DEFAULT_REFRESH_MARGIN_MS} ms`,
      );
    }
  }
  assert.ok(
    statements.length >= 3,
    `the margin is stated in README.md, docs/lifecycle.md and docs/official-sdk.md at least: ${statements.join('; ')}`,
  );
});
