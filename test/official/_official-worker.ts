// One process of the managed-mode multi-process test: the official SDK initialized with a user's token and a
// managed bridge on the shared store. It prints "ready"; on "go" it initializes and makes `calls` concurrent
// official UsersOperations.getUsers calls, then prints the statuses, a digest of each distinct access token the
// SDK sent (never the token) and the manager's log lines.
import { createHash } from 'node:crypto';
import {
  Environment,
  InitializeBuilder,
  Levels,
  LogBuilder,
  OAuthBuilder,
  ParameterMap,
  UserSignature,
  Users,
} from '@zohocrm/typescript-sdk-8.0';
import { levelLogger, TokenManager, customEnvironment } from 'zoho-token-store';
import { OfficialTokenStore } from 'zoho-token-store/official';
import { readyThenGo } from '../_go-workers.js';
import { openStore, type StoreSpec } from '../integration/_stores.js';
import type { OfficialStore } from './_official-harness.js';

interface WorkerJob {
  store: StoreSpec;
  accountsUrl: string;
  apiDomain: string;
  client: { clientId: string; clientSecret: string; redirectUri: string };
  user: string;
  calls: number;
  logFile: string;
}

const job = JSON.parse(process.argv[2] as string) as WorkerJob;
const store = await openStore(job.store);
const logs: string[] = [];
const manager = new TokenManager({
  store,
  environment: customEnvironment({ accountsUrl: job.accountsUrl, apiDomain: job.apiDomain }),
  client: job.client,
  refreshLock: { waitMs: 15_000, leaseMs: 3_000 },
  retry: { timeoutMs: 20_000 },
  logger: levelLogger('debug', (entry) => logs.push(`${entry.message} ${JSON.stringify(entry.fields)}`)),
});
const token = new OAuthBuilder().userSignature(new UserSignature(job.user)).build();
await readyThenGo();

await new InitializeBuilder()
  .environment(new Environment(job.apiDomain, `${job.accountsUrl}/oauth/v2/token`, job.apiDomain))
  .token(token)
  .store(new OfficialTokenStore(manager) as unknown as OfficialStore)
  .logger(new LogBuilder().level(Levels.INFO).filePath(job.logFile).build())
  .initialize();
const sent = new Set<string>();
const statuses = await Promise.all(
  Array.from({ length: job.calls }, async () => {
    const params = new ParameterMap();
    await params.add(Users.GetUsersParam.TYPE, 'CurrentUser');
    const response = await new Users.UsersOperations().getUsers(params);
    sent.add(
      createHash('sha256')
        .update(String((token as unknown as { getAccessToken(): string }).getAccessToken()))
        .digest('hex')
        .slice(0, 16),
    );
    return response.getStatusCode();
  }),
);
process.stdout.write(`${JSON.stringify({ statuses, digests: [...sent], logs })}\n`);
await manager.close();
await store.close();
