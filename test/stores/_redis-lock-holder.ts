// Child process: takes the refresh lock, says "held", then never releases it (the test SIGKILLs it).
// Args: url keyPrefix lockKey leaseMs
import { RedisStore } from 'zoho-token-store/redis';

const [url, keyPrefix, lockKey, leaseMs] = process.argv.slice(2) as string[];
const store = new RedisStore({ url: url as string, keyPrefix: keyPrefix as string });
const lease = await store.acquireRefreshLock(lockKey as string, { waitMs: 5_000, leaseMs: Number(leaseMs) });
process.stdout.write(lease ? 'held\n' : 'not held\n');
setInterval(() => undefined, 1_000); // stay alive until killed
