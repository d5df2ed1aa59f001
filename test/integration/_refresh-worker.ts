// One process of the cross-process refresh test: a TokenManager on the shared store. It prints "ready", and on a
// "go" line from its parent fires `callers` concurrent requests for one user's access token, then prints a digest
// of each distinct token it got (never the token itself).
import { createHash } from 'node:crypto';
import { TokenManager, customEnvironment } from 'zoho-token-store';
import { readyThenGo } from '../_go-workers.js';
import { openStore, type StoreSpec } from './_stores.js';

interface WorkerJob {
  store: StoreSpec;
  accountsUrl: string;
  apiDomain: string;
  client: { clientId: string; clientSecret: string; redirectUri: string };
  user: string;
  callers: number;
  lock: { waitMs: number; leaseMs: number };
}

const job = JSON.parse(process.argv[2] as string) as WorkerJob;
const store = await openStore(job.store);
const manager = new TokenManager({
  store,
  environment: customEnvironment({ accountsUrl: job.accountsUrl, apiDomain: job.apiDomain }),
  client: job.client,
  refreshLock: job.lock,
  retry: { timeoutMs: 20_000 },
});
await readyThenGo();
const tokens = await Promise.all(Array.from({ length: job.callers }, () => manager.accessToken({ user: job.user })));
const digests = [...new Set(tokens.map((token) => createHash('sha256').update(token).digest('hex').slice(0, 16)))];
process.stdout.write(`${JSON.stringify({ digests })}\n`);
await manager.close();
await store.close();
