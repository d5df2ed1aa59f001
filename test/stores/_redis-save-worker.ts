// Child process: saves `count` tokens of distinct users into a RedisStore, all at once.
// Args: location keyPrefix workerIndex count  (location: redis://…, redis+cluster://… or redis+sentinel://…)
import { openStore } from 'zoho-token-store';
import { completeToken } from 'zoho-token-store/testing';

const [location, keyPrefix, worker, count] = process.argv.slice(2);
const store = await openStore(location as string, { prefix: keyPrefix as string });
try {
  const tokens = Array.from({ length: Number(count) }, (_, i) => completeToken({ userSignature: `w${worker}-u${i}@workers.example.com` }));
  await Promise.all(tokens.map((token) => store.saveToken(token)));
  process.stdout.write(JSON.stringify(tokens.map((token) => token.id)));
} finally {
  await store.close();
}
