// npm run bench: every section measures its subject and its anchor in this one run.
// `npm run bench -- memory sqlite` runs only the named sections.
// `npm run bench -- --report DIR` also writes a page with charts (bench/report); `--max-tokens N` and
// `--max-callers N` bound its sizes (default 100,000 and 1,000); `npm run bench -- --report DIR report` only it.
// `--runs N` runs the chosen sections N times and ends with each ratio's median and spread over the runs.
import { parseArgs } from 'node:util';
import { printRatiosOverRuns } from './harness.js';
import { writeReport } from './report/write-report.js';
import { benchMemoryStore } from './memory-store.bench.js';
import { benchLifecycle } from './lifecycle.bench.js';
import { benchStampede } from './stampede.bench.js';
import { benchSQLiteStore } from './sqlite-store.bench.js';
import { benchPostgresStore } from './postgres-store.bench.js';
import { benchFileStore } from './file-store.bench.js';
import { benchRedisStore } from './redis-store.bench.js';
import { benchRedisCluster } from './redis-cluster.bench.js';
import { benchMySQLStore } from './mysql-store.bench.js';
import { benchEncryption } from './encryption.bench.js';
import { benchOfficialSdk } from './official-sdk.bench.js';
import { benchDynamoDBStore } from './dynamodb-store.bench.js';
import { benchTelemetry } from './telemetry.bench.js';

const sections: Array<[string, () => Promise<void>]> = [
  ['memory', benchMemoryStore],
  ['lifecycle', benchLifecycle],
  ['stampede', benchStampede],
  ['telemetry', () => benchTelemetry().then(() => undefined)],
  ['sqlite', benchSQLiteStore],
  ['postgres', benchPostgresStore],
  ['file', benchFileStore],
  ['redis', benchRedisStore],
  ['redis-cluster', benchRedisCluster],
  ['mysql', benchMySQLStore],
  ['encryption', () => benchEncryption().then(() => undefined)],
  ['official', benchOfficialSdk],
  ['dynamodb', benchDynamoDBStore],
];

const { values, positionals: only } = parseArgs({
  allowPositionals: true,
  options: {
    report: { type: 'string' },
    'max-tokens': { type: 'string', default: '100000' },
    'max-callers': { type: 'string', default: '1000' },
    runs: { type: 'string', default: '1' },
  },
});
const whole = (name: string, text: string): number => {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} takes a whole number ≥ 1, not "${text}"`);
  return value;
};
const report = values.report;
if (report !== undefined) {
  const options = {
    dir: report,
    maxTokens: whole('max-tokens', values['max-tokens'] ?? ''),
    maxCallers: whole('max-callers', values['max-callers'] ?? ''),
  };
  sections.push(['report', () => writeReport(options)]);
}
console.log(`# zoho-token-store bench — node ${process.version}, ${new Date().toISOString()}`);
const runs = whole('runs', values.runs ?? '');
for (let i = 0; i < runs; i += 1) {
  if (runs > 1) console.log(`\n# run ${i + 1} of ${runs}`);
  for (const [name, run] of sections) {
    if (only.length > 0 && !only.includes(name)) continue;
    await run();
  }
}
if (runs > 1) printRatiosOverRuns(runs);
