// Rewrites the README's generated tables (stores, locations) from the engine list in src/stores/engines.ts.
// Usage: npm run docs:tables   (after a build; the test suite fails while the README differs)
import { readFileSync, writeFileSync } from 'node:fs';
import { withGeneratedTables } from '../dist/src/stores/engine-tables.js';

const before = readFileSync('README.md', 'utf8');
const after = withGeneratedTables(before);
if (after === before) {
  console.log('README.md: the generated tables are current.');
} else {
  writeFileSync('README.md', after);
  console.log('README.md: generated tables rewritten.');
}
