import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem, type as osType, release } from 'node:os';
import { join } from 'node:path';
import { AccountsEmulator } from 'zoho-token-store/testing';
import { benchEncryption } from '../encryption.bench.js';
import { refreshesAtExpiry } from '../lifecycle.bench.js';
import { encryptionChart, refreshChart, renderSvg, tokenCostChart } from './charts.js';
import { refreshesAcrossProcesses } from './refresh-processes.js';
import { tokenCost } from './token-cost.js';

export interface ReportOptions {
  /** The folder the page, the SVGs and the data go to (made if missing). */
  readonly dir: string;
  /** The largest number of stored tokens measured (10 → 100,000 by powers of ten). */
  readonly maxTokens: number;
  /** The most concurrent callers at expiry (1 → 1,000 by powers of ten; in several processes, 10 and 100 each). */
  readonly maxCallers: number;
}

const SIZES = [10, 100, 1_000, 10_000, 100_000];
const CALLERS = [1, 10, 100, 1_000];

const versionOf = (name: string): string => {
  try {
    return (JSON.parse(readFileSync(join('node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
};

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);

/**
 * `npm run bench -- --report DIR`: measures the report's figures, draws them with Vega-Lite (SVG, rendered in Node)
 * and writes DIR/index.html (the charts inline: one self-contained page), one SVG per chart and data.json.
 */
export async function writeReport(options: ReportOptions): Promise<void> {
  mkdirSync(options.dir, { recursive: true });
  const startedAt = new Date();
  console.log('\n## Report: getting a token vs stored tokens');
  const cost = await tokenCost(SIZES.filter((size) => size <= options.maxTokens));

  console.log('\n## Report: refresh requests at expiry');
  const refresh: Array<{ callers: number; processes: string; flow: string; requests: number }> = [];
  const row = (callers: number, processes: number, manager: number, naive: number) => {
    const label = processes === 1 ? '1 process' : `${processes} processes (SQLite file)`;
    refresh.push(
      { callers, processes: label, flow: 'TokenManager', requests: manager },
      { callers, processes: label, flow: 'each caller for itself (official SDK flow)', requests: naive },
    );
    console.log(`  ${callers} callers in ${label}: TokenManager ${manager} request(s), each caller for itself ${naive}`);
  };
  const emulator = await AccountsEmulator.start({ dataCenters: ['us'] });
  const scratch = mkdtempSync(join(tmpdir(), 'zts-bench-processes-'));
  try {
    for (const callers of CALLERS.filter((count) => count <= options.maxCallers)) {
      const { manager, naive } = await refreshesAtExpiry(emulator, callers);
      row(callers, 1, manager, naive);
    }
    for (const processes of [2, 4]) {
      for (const each of [10, 100].filter((count) => count * processes <= options.maxCallers || count === 10)) {
        if (processes > 2 && options.maxCallers < 100) continue;
        const { manager, naive } = await refreshesAcrossProcesses(emulator, scratch, processes, each);
        row(processes * each, processes, manager, naive);
      }
    }
  } finally {
    await emulator.close();
    rmSync(scratch, { recursive: true, force: true });
  }

  console.log('\n## Report: encryption overhead');
  const encryption = (await benchEncryption(Math.min(1_000, options.maxTokens))).map((row) => {
    const [store = '', ...rest] = row.what.split(' findToken ');
    return {
      store,
      lookup: rest.join(' '),
      ratio: row.subject.medianNs / row.anchor.medianNs,
      low: (row.subject.lowNs ?? row.subject.medianNs) / row.anchor.medianNs,
      high: (row.subject.highNs ?? row.subject.medianNs) / row.anchor.medianNs,
    };
  });

  const charts: Array<[string, string, string]> = [
    ['token-cost.svg', 'Getting a token for an API call vs stored tokens', await renderSvg(tokenCostChart(cost))],
    ['refresh-requests.svg', 'Refresh requests at expiry vs concurrent callers', await renderSvg(refreshChart(refresh))],
    ['encryption-overhead.svg', 'Encryption overhead per store', await renderSvg(encryptionChart(encryption))],
  ];
  for (const [file, , svg] of charts) writeFileSync(join(options.dir, file), svg);
  const machine = {
    cpu: `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}`,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${osType()} ${release()}`,
    node: process.version,
    versions: Object.fromEntries(
      ['zoho-token-store', '@zohocrm/typescript-sdk-8.0', 'better-sqlite3', 'pg', 'mysql2', 'ioredis', 'vega', 'vega-lite'].map((name) => [
        name,
        name === 'zoho-token-store' ? (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version : versionOf(name),
      ]),
    ),
  };
  writeFileSync(
    join(options.dir, 'data.json'),
    `${JSON.stringify({ startedAt: startedAt.toISOString(), machine, options, cost, refresh, encryption }, null, 2)}\n`,
  );
  const rows = Object.entries({ cpu: machine.cpu, memory: machine.memory, os: machine.os, node: machine.node, ...machine.versions });
  writeFileSync(
    join(options.dir, 'index.html'),
    `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>zoho-token-store bench report</title>
<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;padding:0 1em}table{border-collapse:collapse}td{padding:2px 8px;border-bottom:1px solid #ddd}</style></head>
<body>
<h1>zoho-token-store bench report</h1>
<p>Run ${escapeHtml(startedAt.toISOString())}. Every point is a median over batches; bars and ranges are the quartiles. Up to ${options.maxTokens.toLocaleString('en')} stored tokens and ${options.maxCallers.toLocaleString('en')} concurrent callers. Regenerate: <code>npm run bench -- --report DIR</code>.</p>
<table>${rows.map(([key, value]) => `<tr><td>${escapeHtml(key)}</td><td>${escapeHtml(String(value))}</td></tr>`).join('')}</table>
${charts.map(([file, title, svg]) => `<h2>${escapeHtml(title)}</h2>\n<figure>${svg}<figcaption>${escapeHtml(file)}</figcaption></figure>`).join('\n')}
</body></html>
`,
  );
  console.log(`\nReport written to ${join(options.dir, 'index.html')}`);
}
