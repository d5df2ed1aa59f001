// Child process: takes the store's refresh lock `rounds` times, holding it `holdMs` each time, and counts the
// holders in a plain Redis counter to detect two holders at once. Prints {acquired, nulls, overlaps}.
// Args: url keyPrefix lockKey rounds holdMs waitMs leaseMs
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { RedisStore } from 'zoho-token-store/redis';

const [url, keyPrefix, lockKey, rounds, holdMs, waitMs, leaseMs] = process.argv.slice(2) as string[];
const store = new RedisStore({ url: url as string, keyPrefix: keyPrefix as string });
const counter = new Redis(url as string);
const holdersKey = `${keyPrefix}test:holders`;
let acquired = 0;
let nulls = 0;
let overlaps = 0;
try {
  for (let round = 0; round < Number(rounds); round += 1) {
    const lease = await store.acquireRefreshLock(lockKey as string, { waitMs: Number(waitMs), leaseMs: Number(leaseMs) });
    if (!lease) {
      nulls += 1;
      continue;
    }
    acquired += 1;
    if ((await counter.incr(holdersKey)) !== 1) overlaps += 1;
    await delay(Number(holdMs));
    await counter.decr(holdersKey);
    await lease.release();
  }
  process.stdout.write(JSON.stringify({ acquired, nulls, overlaps }));
} finally {
  await store.close();
  counter.disconnect();
}
