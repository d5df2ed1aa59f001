// Child process: takes the store's refresh lock `rounds` times, holding it `holdMs` each time, and reports when it
// held it (this machine's clock, shared by every worker), so the parent can check no two holds overlap.
// Prints {acquired, nulls, holds: [[from, to], …]}. Args: endpoint table lockKey rounds holdMs waitMs leaseMs
import { setTimeout as delay } from 'node:timers/promises';
import { DynamoDBStore } from 'zoho-token-store/dynamodb';
import { dynaliteOptions } from './_dynalite-client.js';

const [endpoint, table, lockKey, rounds, holdMs, waitMs, leaseMs] = process.argv.slice(2) as string[];
const store = await DynamoDBStore.open(dynaliteOptions(endpoint as string, table as string));
let acquired = 0;
let nulls = 0;
const holds: Array<[number, number]> = [];
try {
  for (let round = 0; round < Number(rounds); round += 1) {
    const lease = await store.acquireRefreshLock(lockKey as string, { waitMs: Number(waitMs), leaseMs: Number(leaseMs) });
    if (!lease) {
      nulls += 1;
      continue;
    }
    acquired += 1;
    const from = Date.now();
    await delay(Number(holdMs));
    holds.push([from, Date.now()]);
    await lease.release();
  }
  process.stdout.write(JSON.stringify({ acquired, nulls, holds }));
} finally {
  await store.close();
}
