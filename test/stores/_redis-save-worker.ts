// Child process: saves `count` tokens of distinct users into a RedisStore, all at once.
// Args: url keyPrefix workerIndex count
import { RedisStore } from 'zoho-token-store/redis';
import { completeToken } from 'zoho-token-store/testing';

const [url, keyPrefix, worker, count] = process.argv.slice(2);
const store = new RedisStore({ url: url as string, keyPrefix: keyPrefix as string });
try {
  const tokens = Array.from({ length: Number(count) }, (_, i) => completeToken({ userSignature: `w${worker}-u${i}@workers.example.com` }));
  await Promise.all(tokens.map((token) => store.saveToken(token)));
  process.stdout.write(JSON.stringify(tokens.map((token) => token.id)));
} finally {
  await store.close();
}
