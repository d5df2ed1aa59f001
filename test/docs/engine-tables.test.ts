import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { STORE_ENGINES } from '../../src/stores/engines.js';
import { locationsTable, storesTable, withGeneratedTables } from '../../src/stores/engine-tables.js';

test("the README's store and location tables are the ones the engine list renders (npm run docs:tables)", () => {
  const readme = readFileSync('README.md', 'utf8');
  assert.equal(withGeneratedTables(readme), readme, 'README.md is stale: run `npm run docs:tables`');
});

test('every engine has a row in each table, and a new engine would get one', () => {
  for (const engine of STORE_ENGINES) {
    assert.ok(storesTable().includes(`\`${engine.storeName}\``), engine.storeName);
    assert.ok(locationsTable().includes(`\`${engine.location.openCall}\``), engine.storeName);
  }
  const extra = {
    ...STORE_ENGINES[0]!,
    scheme: 'kv',
    storeName: 'KeyValueStore',
    location: { ...STORE_ENGINES[0]!.location, openCall: 'KeyValueStore.open()' },
  };
  assert.ok(storesTable([...STORE_ENGINES, extra]).includes('`KeyValueStore`'));
  assert.ok(locationsTable([...STORE_ENGINES, extra]).includes('`KeyValueStore.open()`'));
});
