// npm run bench: every section measures its subject and its anchor in this one run.
// `npm run bench -- memory sqlite` runs only the named sections.
import { benchMemoryStore } from './memory-store.bench.js';
import { benchLifecycle } from './lifecycle.bench.js';
import { benchSQLiteStore } from './sqlite-store.bench.js';
import { benchPostgresStore } from './postgres-store.bench.js';
import { benchFileStore } from './file-store.bench.js';
import { benchRedisStore } from './redis-store.bench.js';
import { benchRedisCluster } from './redis-cluster.bench.js';
import { benchMySQLStore } from './mysql-store.bench.js';
import { benchEncryption } from './encryption.bench.js';
import { benchOfficialSdk } from './official-sdk.bench.js';
import { benchDynamoDBStore } from './dynamodb-store.bench.js';

const sections: Array<[string, () => Promise<void>]> = [
  ['memory', benchMemoryStore],
  ['lifecycle', benchLifecycle],
  ['sqlite', benchSQLiteStore],
  ['postgres', benchPostgresStore],
  ['file', benchFileStore],
  ['redis', benchRedisStore],
  ['redis-cluster', benchRedisCluster],
  ['mysql', benchMySQLStore],
  ['encryption', benchEncryption],
  ['official', benchOfficialSdk],
  ['dynamodb', benchDynamoDBStore],
];

const only = process.argv.slice(2);
console.log(`# zoho-token-store bench — node ${process.version}, ${new Date().toISOString()}`);
for (const [name, run] of sections) {
  if (only.length > 0 && !only.includes(name)) continue;
  await run();
}
