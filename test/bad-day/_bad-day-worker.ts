// One process of the bad-day tests: a TokenManager with the library's defaults on a shared store. It prints "ready",
// and on the parent's "go" fires `callers` concurrent requests for one user's access token, then prints what they
// got: how many were served, the error codes of the others, a digest of each distinct token (never the token), and
// how long the last caller took.
import { createHash } from 'node:crypto';
import { TokenManager, customEnvironment } from 'zoho-token-store';
import { readyThenGo } from '../_go-workers.js';
import { openStore, type StoreSpec } from '../integration/_stores.js';

export interface BadDayJob {
  readonly store: StoreSpec;
  readonly accountsUrl: string;
  readonly apiDomain: string;
  /** The server rotates refresh tokens (the emulator's rotating mode): the environment says so. */
  readonly rotation: boolean;
  readonly client: { clientId: string; clientSecret: string; redirectUri: string };
  readonly user: string;
  readonly callers: number;
}

export interface BadDayReport {
  readonly served: number;
  readonly failed: Record<string, number>;
  readonly digests: string[];
  readonly lastMs: number;
}

const job = JSON.parse(process.argv[2] as string) as BadDayJob;
const store = await openStore(job.store);
const environment = customEnvironment({
  accountsUrl: job.accountsUrl,
  apiDomain: job.apiDomain,
  ...(job.rotation ? { refreshTokenRotation: 'possible' as const } : {}),
});
// Library defaults: no refreshLock, retry or timeout settings.
const manager = new TokenManager({ store, environment, client: job.client });
await readyThenGo();
const started = Date.now();
let lastMs = 0;
const outcomes = await Promise.allSettled(
  Array.from({ length: job.callers }, () => manager.accessToken({ user: job.user }).finally(() => void (lastMs = Date.now() - started))),
);
const digests = new Set<string>();
const failed: Record<string, number> = {};
for (const outcome of outcomes) {
  if (outcome.status === 'fulfilled') digests.add(createHash('sha256').update(outcome.value).digest('hex').slice(0, 16));
  else {
    const code = String((outcome.reason as { code?: string } | null)?.code ?? 'unknown');
    failed[code] = (failed[code] ?? 0) + 1;
  }
}
const report: BadDayReport = {
  served: outcomes.filter((outcome) => outcome.status === 'fulfilled').length,
  failed,
  digests: [...digests],
  lastMs,
};
process.stdout.write(`${JSON.stringify(report)}\n`);
await manager.close();
await store.close();
