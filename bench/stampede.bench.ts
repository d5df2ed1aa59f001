// The cross-process stampede: 4 processes × 100 callers ask for one expired token at once while the accounts server
// takes 100 ms to answer, on each shared store, beside the no-coordination anchor (each process refreshing on its
// own) measured in the same run. Figures: wall time from "go" to the last caller's answer (median of the runs), and
// the refresh requests the server saw (one per round is the guarantee).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MemoryStore, OAuthToken, TokenManager } from 'zoho-token-store';
import { AccountsEmulator } from 'zoho-token-store/testing';
import { printFigures } from './harness.js';
import { reachable } from './reachable.js';
import { startDynalite } from './dynalite.js';
import { openStampedeStore, type StampedeStore } from './stampede-stores.js';

const PROCESSES = 4;
const CALLERS = 100;
const ACCOUNTS_MS = 100;
const ROUNDS = 5;
const GOAL = 1.5;
const WORKER = fileURLToPath(new URL('./stampede-worker.js', import.meta.url));
const suffix = () => randomBytes(5).toString('hex');

interface Worker {
  readonly ready: Promise<void>;
  readonly done: Promise<number>;
  go(): void;
}

function startWorker(job: object): Worker {
  const child = spawn(process.execPath, [WORKER, JSON.stringify(job)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let markReady = (): void => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.includes('ready\n')) markReady();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<number>((resolve, reject) => {
    child.once('close', (code) => {
      markReady();
      const line = stdout.split('\n').find((candidate) => candidate.startsWith('{'));
      if (code !== 0 || line === undefined) reject(new Error(`a stampede worker failed (exit ${code}): ${stderr.slice(0, 2_000)}`));
      else resolve((JSON.parse(line) as { ms: number }).ms);
    });
  });
  return { ready, done, go: () => void child.stdin.write('go\n') };
}

/** One round: a fresh user whose stored token has expired; resolves to the slowest process's time and the requests. */
async function round(
  emulator: AccountsEmulator,
  store: StampedeStore | null,
  processes: number,
): Promise<{ ms: number; requests: number }> {
  const client = emulator.registerClient();
  const user = emulator.addUser({ email: `stampede.${suffix()}@example.com` });
  emulator.faults.delay(0);
  const setupStore = store ? await openStampedeStore(store) : new MemoryStore();
  const setup = new TokenManager({ store: setupStore, environment: emulator.environment('us'), client });
  const token = await setup.exchangeGrant({ code: emulator.issueGrantCode({ client, user }), accountsServer: emulator.accountsUrl('us') });
  await setup.close();
  await setupStore.close();
  if (store) {
    const shared = await openStampedeStore(store);
    await shared.saveToken(new OAuthToken({ id: token.id, refreshToken: token.refreshToken, expiresAt: 1 }));
    await shared.close();
  }
  const environment = emulator.environment('us');
  const job = {
    store: store ?? { kind: 'own', id: token.id, refreshToken: String(token.refreshToken), userName: user.email },
    accountsUrl: environment.accountsUrl,
    apiDomain: environment.apiDomain,
    client: { clientId: client.clientId, clientSecret: client.clientSecret, redirectUri: client.redirectUri },
    user: user.email,
    callers: CALLERS,
  };
  const workers = Array.from({ length: processes }, () => startWorker(job));
  await Promise.all(workers.map((worker) => worker.ready));
  emulator.faults.delay(ACCOUNTS_MS);
  const before = emulator.stats.refreshRequests(String(token.refreshToken));
  for (const worker of workers) worker.go();
  const times = await Promise.all(workers.map((worker) => worker.done));
  emulator.faults.delay(0);
  return { ms: Math.max(...times), requests: emulator.stats.refreshRequests(String(token.refreshToken)) - before };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

interface Case {
  readonly name: string;
  readonly port?: number;
  readonly store: () => StampedeStore | Promise<StampedeStore>;
  readonly cleanUp: (store: StampedeStore) => Promise<void>;
}

export async function benchStampede(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'zts-stampede-'));
  const emulator = await AccountsEmulator.start({ dataCenters: ['us'] });
  const none = async (): Promise<void> => undefined;
  let dynalite: { stop(): void } | undefined;
  const cases: Case[] = [
    { name: 'redis', port: 6379, store: () => ({ kind: 'redis', keyPrefix: `zts-bench:stampede:${suffix()}:` }), cleanUp: dropRedisPrefix },
    { name: 'sqlite', store: () => ({ kind: 'sqlite', path: join(folder, `${suffix()}.db`) }), cleanUp: none },
    { name: 'file', store: () => ({ kind: 'file', path: join(folder, `${suffix()}.txt`) }), cleanUp: none },
    { name: 'mysql', port: 3306, store: () => ({ kind: 'mysql', database: `zts_bench_stampede_${suffix()}` }), cleanUp: dropMySqlDatabase },
    {
      name: 'postgres',
      port: 5432,
      store: () => ({ kind: 'postgres', schema: `zts_bench_stampede_${suffix()}` }),
      cleanUp: dropPostgresSchema,
    },
    {
      // A dynalite of the bench's own, in its own process: every worker reaches the one table over HTTP.
      name: 'dynamodb',
      store: async () => {
        const server = await startDynalite();
        dynalite = server;
        return { kind: 'dynamodb', endpoint: server.endpoint, table: `zts-bench-stampede-${suffix()}` };
      },
      cleanUp: async () => dynalite?.stop(),
    },
  ];
  const only = (process.env.ZTS_STAMPEDE_STORES ?? '').split(',').filter(Boolean);
  const rows: Array<readonly [string, string]> = [];
  try {
    for (const entry of cases) {
      if (only.length > 0 && !only.includes(entry.name)) continue;
      if (entry.port !== undefined && !(await reachable(entry.port))) {
        rows.push([entry.name, 'skipped: server not reachable']);
        continue;
      }
      const store = await entry.store();
      try {
        // Subject and anchor alternate, so both see the same machine.
        const shared: number[] = [];
        const alone: number[] = [];
        const anchor: number[] = [];
        const requests: number[] = [];
        for (let i = 0; i < ROUNDS; i += 1) {
          const subject = await round(emulator, store, PROCESSES);
          shared.push(subject.ms);
          requests.push(subject.requests);
          alone.push((await round(emulator, store, 1)).ms);
          anchor.push((await round(emulator, null, PROCESSES)).ms);
        }
        const a = median(anchor);
        const ratio = median(shared) / a;
        rows.push([
          `${entry.name}: ${PROCESSES} × ${CALLERS}`,
          `${median(shared).toFixed(0)} ms vs no coordination ${a.toFixed(0)} ms = ${ratio.toFixed(2)}× ${ratio <= GOAL ? 'ok' : 'MISSED'} (goal ≤ ${GOAL}×); ` +
            `one process alone ${median(alone).toFixed(0)} ms = ${(median(alone) / a).toFixed(2)}×; refresh requests per round ${requests.join(', ')}` +
            `${requests.every((n) => n === 1) ? '' : ' MISSED (goal 1)'}`,
        ]);
      } finally {
        await entry.cleanUp(store);
      }
    }
  } finally {
    await emulator.close();
    rmSync(folder, { recursive: true, force: true });
  }
  printFigures(
    `Cross-process stampede: ${PROCESSES} processes × ${CALLERS} callers, one expired token, accounts answering in ${ACCOUNTS_MS} ms (median of ${ROUNDS} rounds)`,
    rows,
  );
}

async function dropRedisPrefix(store: StampedeStore): Promise<void> {
  const { Redis } = await import('ioredis');
  const client = new Redis('redis://127.0.0.1:6379');
  const keys = await client.keys(`${(store as { keyPrefix: string }).keyPrefix}*`);
  if (keys.length > 0) await client.del(...keys);
  await client.quit();
}

async function dropMySqlDatabase(store: StampedeStore): Promise<void> {
  const mysql = await import('mysql2/promise');
  const connection = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', password: '' });
  await connection.query(`DROP DATABASE IF EXISTS \`${(store as { database: string }).database}\``);
  await connection.end();
}

async function dropPostgresSchema(store: StampedeStore): Promise<void> {
  const pg = (await import('pg')).default;
  const pool = new pg.Pool({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
  await pool.query(`DROP SCHEMA IF EXISTS "${(store as { schema: string }).schema}" CASCADE`);
  await pool.end();
}
