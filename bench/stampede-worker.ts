// One process of the cross-process stampede: a TokenManager on a shared store (or, for the anchor, on a memory store
// of its own). It prints "ready"; on "go" it fires `callers` concurrent requests for one user's access token and
// prints the milliseconds from "go" to its last caller's answer.
import { MemoryStore, OAuthToken, TokenManager, customEnvironment, type TokenStore } from 'zoho-token-store';
import { openStampedeStore, type StampedeStore } from './stampede-stores.js';

interface Job {
  store: StampedeStore | { kind: 'own'; id: string; refreshToken: string; userName: string };
  accountsUrl: string;
  apiDomain: string;
  client: { clientId: string; clientSecret: string; redirectUri: string };
  user: string;
  callers: number;
}

const job = JSON.parse(process.argv[2] as string) as Job;
let store: TokenStore & { close(): Promise<void> };
if (job.store.kind === 'own') {
  // No coordination: each process holds the token alone and refreshes it for its own callers.
  store = new MemoryStore();
  await store.saveToken(
    new OAuthToken({ id: job.store.id, userSignature: job.store.userName, refreshToken: job.store.refreshToken, expiresAt: 1 }),
  );
} else {
  store = await openStampedeStore(job.store);
}
const manager = new TokenManager({
  store,
  environment: customEnvironment({ accountsUrl: job.accountsUrl, apiDomain: job.apiDomain }),
  client: job.client,
  refreshLock: { waitMs: 15_000, leaseMs: 5_000 },
});
// A first call on another user opens the store's connections before the clock starts.
await manager.accessToken({ user: 'warm-up@example.com' }).catch(() => undefined);
process.stdout.write('ready\n');
await new Promise<void>((resolve) => {
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    if (chunk.includes('go')) resolve();
  });
});
process.stdin.pause();
const started = performance.now();
await Promise.all(Array.from({ length: job.callers }, () => manager.accessToken({ user: job.user })));
const ms = performance.now() - started;
process.stdout.write(`${JSON.stringify({ ms })}\n`);
await manager.close();
await store.close();
