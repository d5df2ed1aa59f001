// The optional peer: without @opentelemetry/api nothing changes and nothing of OpenTelemetry is loaded; with it,
// the package's import loads nothing of it either, and `telemetry: false` never looks for it.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runNode } from '../_processes.js';

const dir = mkdtempSync(join(tmpdir(), 'zts-otel-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const hook = (name: string) => new URL(`../${name}`, import.meta.url).href;

/** Runs the worker in `mode` under the import watch (and the block, when `blocked`); resolves to its output and imports seen. */
async function run(mode: string, blocked: boolean): Promise<{ result: Record<string, unknown>; imports: string[] }> {
  const watch = join(dir, `${mode}-${String(blocked)}.log`);
  writeFileSync(watch, '');
  const imports = [hook('_watch-imports.js'), ...(blocked ? [hook('_block-packages.js')] : [])];
  const child = await runNode(new URL('./_telemetry-absent-worker.js', import.meta.url).pathname, [mode], {
    // The block first: hooks registered later run first, so the watch sees every try before the block refuses it.
    NODE_OPTIONS: [...imports]
      .reverse()
      .map((url) => `--import=${url}`)
      .join(' '),
    ZTS_BLOCKED_PACKAGES: blocked ? '@opentelemetry/api' : '',
    ZTS_WATCH_IMPORTS: watch,
    ZTS_WATCH_PREFIX: '@opentelemetry/',
  });
  assert.equal(child.code, 0, child.stderr);
  return {
    result: JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>,
    imports: readFileSync(watch, 'utf8').split('\n').filter(Boolean),
  };
}

describe('@opentelemetry/api is optional', () => {
  test('importing the package loads nothing of OpenTelemetry, even where it is installed', async () => {
    const { result, imports } = await run('import', false);
    assert.deepEqual(result, { imported: true });
    assert.deepEqual(imports, []);
  });

  test('not installed: a token life works as before, and the one try to load it finds nothing', async () => {
    const { result, imports } = await run('default', true);
    assert.deepEqual(result, { served: true, refreshed: true, refreshes: 1 });
    assert.deepEqual(imports, ['tried @opentelemetry/api']);
  });

  test('installed: the default loads @opentelemetry/api once, and nothing else of OpenTelemetry', async () => {
    const { result, imports } = await run('default', false);
    assert.deepEqual(result, { served: true, refreshed: true, refreshes: 1 });
    assert.deepEqual(imports, ['tried @opentelemetry/api', 'loaded @opentelemetry/api']);
  });

  test('telemetry: false never looks for it', async () => {
    const { result, imports } = await run('off', false);
    assert.deepEqual(result, { served: true, refreshed: true, refreshes: 1 });
    assert.deepEqual(imports, []);
  });
});
