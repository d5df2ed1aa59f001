import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runNode } from '../_processes.js';

test('npm start: the lifecycle demo runs the whole life and prints no token or secret', async () => {
  const result = await runNode('dist/examples/lifecycle-demo.js');
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /refresh requests sent: 1\b/);
  assert.match(result.stdout, /bob@example\.eu → bob@example\.eu/);
  assert.match(result.stdout, /Ada's old token gets HTTP 401/);
  assert.match(result.stdout, /0 throttled/);
  // Zoho-shaped token values (1000.<32 hex>.<32 hex>) and long hex secrets never appear; masked ones do.
  assert.doesNotMatch(result.stdout, /[0-9a-f]{32}/i);
  assert.match(result.stdout, /access \*\*\*\*[0-9a-f]{4}/);
});
