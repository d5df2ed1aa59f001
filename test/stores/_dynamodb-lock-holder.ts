// Child process: takes the refresh lock, says "held", then never releases it (the test SIGKILLs it).
// Args: endpoint table lockKey leaseMs
import { DynamoDBStore } from 'zoho-token-store/dynamodb';
import { dynaliteOptions } from './_dynalite-client.js';

const [endpoint, table, lockKey, leaseMs] = process.argv.slice(2) as string[];
const store = await DynamoDBStore.open(dynaliteOptions(endpoint as string, table as string));
const lease = await store.acquireRefreshLock(lockKey as string, { waitMs: 5_000, leaseMs: Number(leaseMs) });
process.stdout.write(lease ? 'held\n' : 'not held\n');
setInterval(() => undefined, 1_000); // stay alive until killed
