// `npm run bench -- --report DIR` with a tiny size setting: the page, one SVG per chart that parses as SVG and holds
// the series it draws, and the data behind it.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { runNode } from '../_processes.js';

const dir = mkdtempSync(join(tmpdir(), 'zts-report-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Every text of an SVG (titles, legends, axis labels), found by walking the parsed tree. */
function textsOf(node: unknown, out: string[] = []): string[] {
  if (typeof node === 'string' || typeof node === 'number') out.push(String(node));
  else if (Array.isArray(node)) for (const child of node) textsOf(child, out);
  else if (typeof node === 'object' && node !== null)
    for (const [key, child] of Object.entries(node)) if (!key.startsWith('@_')) textsOf(child, out);
  return out;
}

test('the report: an HTML page with three SVG charts drawn from the measured data, machine and versions on the page', {
  timeout: 10 * 60_000,
}, async () => {
  const run = await runNode('dist/bench/index.js', ['--report', dir, '--max-tokens', '100', '--max-callers', '10', 'report']);
  assert.equal(run.code, 0, run.stderr);

  const data = JSON.parse(readFileSync(join(dir, 'data.json'), 'utf8')) as {
    cost: Array<{ store: string; by: string; tokens: number; medianNs: number; lowNs: number; highNs: number }>;
    refresh: Array<{ callers: number; processes: string; flow: string; requests: number }>;
    encryption: Array<{ store: string; ratio: number }>;
    machine: { node: string; versions: Record<string, string> };
  };
  assert.deepEqual([...new Set(data.cost.map((point) => point.tokens))], [10, 100]);
  for (const store of ['MemoryStore', 'SQLiteStore', 'FileStore', 'official FileStore', 'TokenManager.accessToken (cache)']) {
    assert.equal(data.cost.filter((point) => point.store === store).length, 2, `${store} at each size`);
  }
  for (const point of data.cost)
    assert.ok(
      point.lowNs <= point.medianNs && point.medianNs <= point.highNs && point.medianNs > 0,
      `${point.store}: a median within its spread`,
    );
  assert.deepEqual(
    data.refresh.filter((row) => row.flow === 'TokenManager').map((row) => [row.callers, row.processes, row.requests]),
    [
      [1, '1 process', 1],
      [10, '1 process', 1],
      [20, '2 processes (SQLite file)', 1],
    ],
  );
  assert.deepEqual(
    data.refresh.filter((row) => row.flow !== 'TokenManager').map((row) => row.requests),
    [1, 10, 20],
  );
  assert.ok(data.encryption.some((row) => row.store === 'MemoryStore' && row.ratio > 0));
  assert.equal(data.machine.node, process.version);

  const parser = new XMLParser({ ignoreAttributes: false });
  const page = readFileSync(join(dir, 'index.html'), 'utf8');
  assert.ok(
    page.includes(process.version) && page.includes(data.machine.versions['@zohocrm/typescript-sdk-8.0'] ?? '?'),
    'machine and versions on the page',
  );
  const expected: Record<string, string[]> = {
    'token-cost.svg': ['stored tokens', 'MemoryStore', 'official FileStore', 'zoho-token-store', 'official SDK'],
    'refresh-requests.svg': [
      'concurrent callers in all',
      'TokenManager',
      'each caller for itself (official SDK flow)',
      '2 processes (SQLite file)',
    ],
    'encryption-overhead.svg': ['MemoryStore', 'SQLiteStore', 'by access token, cache off'],
  };
  for (const [file, labels] of Object.entries(expected)) {
    const svg = readFileSync(join(dir, file), 'utf8');
    assert.equal(XMLValidator.validate(svg), true, `${file} is well-formed XML`);
    const tree = parser.parse(svg) as { svg?: Record<string, unknown> };
    assert.ok(tree.svg, `${file} is an SVG document`);
    assert.equal(tree.svg['@_xmlns'], 'http://www.w3.org/2000/svg');
    assert.ok(Number(tree.svg['@_width']) > 100 && Number(tree.svg['@_height']) > 100);
    const texts = textsOf(tree.svg);
    for (const label of labels) assert.ok(texts.includes(label), `${file} shows "${label}"`);
    assert.ok(page.includes(svg), `${file} is inline in the page`);
  }
});
