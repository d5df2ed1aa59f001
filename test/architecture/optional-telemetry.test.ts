import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';

// @opentelemetry/api is an optional peer: no file of src imports it, statically or by name (not even its types, which a
// user without it could not resolve). One module loads it by a name held in a variable, at first use.
test('no source file imports @opentelemetry, statically or dynamically by a literal name', () => {
  const files = readdirSync('src', { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('.ts'));
  const offenders = files.filter((file) => /(?:from|import)\s*\(?\s*['"]@opentelemetry\//.test(readFileSync(join('src', file), 'utf8')));
  assert.deepEqual(offenders, []);
  const naming = files.filter((file) => readFileSync(join('src', file), 'utf8').includes("'@opentelemetry/api'"));
  assert.deepEqual(
    naming.map((file) => relative('.', file)),
    ['lifecycle/telemetry/load-open-telemetry.ts'],
  );
});
