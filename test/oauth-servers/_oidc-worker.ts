// One process of the 3-process rotation test: a TokenManager on the shared SQLite file whose clock starts at the
// parent's emulated time. It prints "ready", and on "go" makes `callers` concurrent Bearer API calls for the user,
// then prints the statuses it got (never a token).
import { customEnvironment, openStore, TokenManager } from 'zoho-token-store';
import { readyThenGo } from '../_go-workers.js';

interface WorkerJob {
  dbPath: string;
  issuer: string;
  apiUrl: string;
  client: { clientId: string; clientSecret: string; redirectUri: string };
  user: string;
  callers: number;
  now: number;
}

const job = JSON.parse(process.argv[2] as string) as WorkerJob;
const startedAt = Date.now();
const store = await openStore(`sqlite:${job.dbPath}`);
const manager = new TokenManager({
  store,
  environment: customEnvironment({
    accountsUrl: job.issuer,
    apiDomain: job.apiUrl,
    tokenEndpoint: '/connect/token',
    revocationEndpoint: '/connect/revoke',
    clientAuthentication: 'client_secret_basic',
  }),
  client: job.client,
  clock: { now: () => job.now + (Date.now() - startedAt) },
  refreshLock: { waitMs: 20_000, leaseMs: 5_000 },
  retry: { timeoutMs: 20_000 },
});
await readyThenGo();
const responses = await Promise.all(Array.from({ length: job.callers }, () => manager.fetch({ user: job.user }, '/crm/v8/Leads')));
process.stdout.write(`${JSON.stringify({ statuses: [...new Set(responses.map((response) => response.status))] })}\n`);
await manager.close();
await store.close();
