// Child process of dynamodb-open.test.ts: runs the DynamoDB store opens of one group and prints one JSON line per
// attempt ({ name, code, message }). It never calls process.exit: it ends only if every failed open released what
// it had opened. Args: group endpoint
import { openStore } from '../../src/index.js';

type Attempt = readonly [name: string, open: () => Promise<{ close(): Promise<void> }>];

const [group = '', endpoint = 'http://127.0.0.1:9'] = process.argv.slice(2);
const load = () => import('../../src/stores/dynamodb/index.js');
// The secret key is what the leak check looks for: no message may repeat it.
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'hunter2' };
const base = { table: 'zts-open', region: 'us-east-1', endpoint };

const GROUPS: Record<string, readonly Attempt[]> = {
  // A port that refuses connections, and one that accepts and never answers (requests bounded by requestTimeoutMs).
  unreachable: [
    ['DynamoDBStore.open', async () => (await load()).DynamoDBStore.open({ ...base, credentials })],
    [
      'openStore dynamodb',
      () => openStore(`dynamodb://zts-open?region=us-east-1&endpoint=${encodeURIComponent(endpoint)}`, { credentials }),
    ],
  ],
  silent: [
    [
      'DynamoDBStore.open',
      async () => (await load()).DynamoDBStore.open({ ...base, credentials, requestTimeoutMs: 500, clientConfig: { maxAttempts: 2 } }),
    ],
  ],
  // No credentials anywhere the AWS SDK looks (the environment is cleared by the test, the metadata service off).
  'no-credentials': [['DynamoDBStore.open', async () => (await load()).DynamoDBStore.open(base)]],
  // Run with the driver blocked (test/_block-packages.js).
  drivers: [
    ['DynamoDBStore.open', async () => (await load()).DynamoDBStore.open({ ...base, credentials })],
    ['openStore dynamodb', () => openStore(`dynamodb://zts-open?region=us-east-1&endpoint=${encodeURIComponent(endpoint)}`)],
  ],
};

for (const [name, open] of GROUPS[group] ?? []) {
  try {
    const store = await open();
    await store.close();
    console.log(JSON.stringify({ name, code: 'OPENED', message: '' }));
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    console.log(JSON.stringify({ name, code: code ?? 'NONE', message: message ?? '' }));
  }
}
