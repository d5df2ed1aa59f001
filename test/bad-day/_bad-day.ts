// The bad day's common parts: a user authorized into a shared store with an expired access token, and rounds of
// worker processes (library defaults) asking for it at once. Every store several processes can share takes part:
// file, SQLite, MySQL, PostgreSQL (directly and through PgBouncer in transaction mode) and Redis.
import { randomBytes } from 'node:crypto';
import { OAuthToken, TokenManager, customEnvironment } from 'zoho-token-store';
import { AccountsEmulator, type EmulatorClient } from 'zoho-token-store/testing';
import { go, startGoWorker, type GoWorker } from '../_go-workers.js';
import { pgbouncerMissing, startPgBouncer, type PgBouncer } from '../_pgbouncer.js';
import { skipUnless } from '../_services.js';
import { sharedStoreCases, type StoreCase } from '../integration/_store-cases.js';
import { openStore, type StoreSpec } from '../integration/_stores.js';
import type { BadDayJob, BadDayReport } from './_bad-day-worker.js';

export const WORKER = 'dist/test/bad-day/_bad-day-worker.js';
const suffix = (): string => randomBytes(5).toString('hex');

/** A store kind of the bad day, and what it needs to run here. */
export interface BadDayCase extends StoreCase {
  readonly label: string;
  readonly skip: string | false;
}

/**
 * The shared stores, plus PostgreSQL through a PgBouncer of the caller's (started once for a test file). Cases whose
 * server is not reachable are skipped outside CI (and fail in CI, as every store test does).
 */
export async function badDayCases(folder: string, label: string, bouncer: () => PgBouncer | null): Promise<BadDayCase[]> {
  const cases: BadDayCase[] = [];
  for (const storeCase of sharedStoreCases(folder, label)) {
    const skip = storeCase.service ? await skipUnless(storeCase.service) : false;
    cases.push({ ...storeCase, label: storeCase.kind, skip });
    if (storeCase.kind === 'postgres') {
      const missing = pgbouncerMissing();
      cases.push({
        ...storeCase,
        label: 'postgres via PgBouncer',
        skip: skip || (missing !== null ? `${missing}; the PgBouncer case is SKIPPED` : false),
        spec: () => ({ kind: 'postgres', schema: `zts_${label}_${suffix()}`, port: bouncer()?.port ?? 0 }),
      });
    }
  }
  return cases;
}

/** Starts the PgBouncer the cases need, or nothing when it cannot run here. */
export async function maybePgBouncer(): Promise<PgBouncer | null> {
  return pgbouncerMissing() === null ? startPgBouncer() : null;
}

export interface Setup {
  readonly emulator: AccountsEmulator;
  readonly client: EmulatorClient;
  readonly user: string;
  readonly tokenId: string;
  readonly refreshToken: string;
  readonly job: (callers: number) => BadDayJob;
}

/** Authorizes one user into the store, then marks the stored access token expired; the emulator's counters start at 0. */
export async function authorizedExpired(spec: StoreSpec, options: { rotation?: boolean } = {}): Promise<Setup> {
  const rotation = options.rotation === true;
  const emulator = await AccountsEmulator.start({ dataCenters: ['us'] });
  emulator.rotateRefreshTokens(rotation);
  const client = emulator.registerClient();
  const user = emulator.addUser({ email: `bad.day.${suffix()}@example.com` });
  const environment = customEnvironment({
    accountsUrl: emulator.accountsUrl('us'),
    apiDomain: emulator.apiDomain('us'),
    ...(rotation ? { refreshTokenRotation: 'possible' as const } : {}),
  });
  const store = await openStore(spec);
  try {
    const manager = new TokenManager({ store, environment, client });
    const token = await manager.exchangeGrant({
      code: emulator.issueGrantCode({ client, user, scope: ['ZohoCRM.modules.ALL', 'ZohoCRM.users.READ'] }),
      accountsServer: emulator.accountsUrl('us'),
    });
    await manager.close();
    await store.saveToken(new OAuthToken({ id: token.id, refreshToken: token.refreshToken, expiresAt: 1 }));
    emulator.stats.reset();
    return {
      emulator,
      client,
      user: user.email,
      tokenId: String(token.id),
      refreshToken: String(token.refreshToken),
      job: (callers) => ({
        store: spec,
        accountsUrl: environment.accountsUrl,
        apiDomain: environment.apiDomain,
        rotation,
        client: { clientId: client.clientId, clientSecret: client.clientSecret, redirectUri: client.redirectUri },
        user: user.email,
        callers,
      }),
    };
  } finally {
    await store.close();
  }
}

export type Worker = GoWorker<BadDayReport>;

/** Starts `processes` workers of `callers` each, waits until all are ready, then tells them to go at once. */
export async function startRound(setup: Setup, processes: number, callers: number): Promise<Worker[]> {
  const workers = Array.from({ length: processes }, () => startGoWorker<BadDayReport>(WORKER, setup.job(callers)));
  await Promise.all(workers.map((worker) => worker.ready));
  workers.forEach(go);
  return workers;
}

/** Every worker's report; a worker that printed none (it crashed) fails the test with its stderr. */
export async function reportsOf(workers: readonly Worker[]): Promise<BadDayReport[]> {
  const results = await Promise.all(workers.map((worker) => worker.done));
  return results.map((result) => {
    if (result.result === null) throw new Error(`a worker ended (${result.code}) without a report: ${result.stderr.slice(-2_000)}`);
    return result.result;
  });
}

/** The totals of a round: callers served, failures by code, distinct tokens served, and the slowest caller. */
export function totals(reports: readonly BadDayReport[]): {
  served: number;
  failed: Record<string, number>;
  digests: Set<string>;
  lastMs: number;
} {
  const failed: Record<string, number> = {};
  for (const report of reports) for (const [code, count] of Object.entries(report.failed)) failed[code] = (failed[code] ?? 0) + count;
  return {
    served: reports.reduce((sum, report) => sum + report.served, 0),
    failed,
    digests: new Set(reports.flatMap((report) => report.digests)),
    lastMs: Math.max(0, ...reports.map((report) => report.lastMs)),
  };
}

/** Polls until `condition` holds (bounded: a test that waits on a request that never comes fails, not hangs). */
export async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
