// Child process: saves `count` tokens of distinct users into a DynamoDBStore, all at once.
// Args: endpoint table workerIndex count
import { DynamoDBStore } from 'zoho-token-store/dynamodb';
import { completeToken } from 'zoho-token-store/testing';
import { dynaliteOptions } from './_dynalite-client.js';

const [endpoint, table, worker, count] = process.argv.slice(2) as string[];
const store = await DynamoDBStore.open(dynaliteOptions(endpoint as string, table as string));
try {
  const tokens = Array.from({ length: Number(count) }, (_, i) => completeToken({ userSignature: `w${worker}-u${i}@workers.example.com` }));
  await Promise.all(tokens.map((token) => store.saveToken(token)));
  process.stdout.write(JSON.stringify(tokens.map((token) => token.id)));
} finally {
  await store.close();
}
