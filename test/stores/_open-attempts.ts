// Child process of store-open-refusals.test.ts: runs the store opens named by its arguments and prints one JSON
// line per attempt ({ name, code, message }). It never calls process.exit: it ends only if every failed open
// released what it had opened.
import { readOfficialMysqlTable } from '../../src/cli/official/official-mysql-table.js';
import { openStore, parseStoreLocation } from '../../src/index.js';

type Attempt = readonly [name: string, open: () => Promise<{ close(): Promise<void> }>];

const [group = '', closedPort = '0', silentPort = '0'] = process.argv.slice(2);
const load = {
  file: () => import('../../src/stores/file/index.js'),
  sqlite: () => import('../../src/stores/sqlite/index.js'),
  mysql: () => import('../../src/stores/mysql/index.js'),
  postgres: () => import('../../src/stores/postgres/index.js'),
  redis: () => import('../../src/stores/redis/index.js'),
};
const quick = { connectTimeoutMs: 500 };

const GROUPS: Record<string, readonly Attempt[]> = {
  unreachable: [
    ['MySQLStore.open', async () => (await load.mysql()).MySQLStore.open({ url: `mysql://root:hunter2@127.0.0.1:${closedPort}/test` })],
    [
      'PostgresStore.open',
      async () => (await load.postgres()).PostgresStore.open({ url: `postgres://postgres:hunter2@127.0.0.1:${closedPort}/test` }),
    ],
    ['RedisStore.open', async () => (await load.redis()).RedisStore.open({ url: `redis://:hunter2@127.0.0.1:${closedPort}` })],
    ['openStore mysql', () => openStore(`mysql://root:hunter2@127.0.0.1:${closedPort}/test`)],
    ['openStore postgres', () => openStore(`postgres://postgres:hunter2@127.0.0.1:${closedPort}/test`)],
    ['openStore redis', () => openStore(`redis://:hunter2@127.0.0.1:${closedPort}?prefix=zts-none:`)],
  ],
  silent: [
    [
      'MySQLStore.open',
      async () => (await load.mysql()).MySQLStore.open({ url: `mysql://root:hunter2@127.0.0.1:${silentPort}/test`, ...quick }),
    ],
    [
      'PostgresStore.open',
      async () => (await load.postgres()).PostgresStore.open({ url: `postgres://postgres:hunter2@127.0.0.1:${silentPort}/test`, ...quick }),
    ],
    ['RedisStore.open', async () => (await load.redis()).RedisStore.open({ url: `redis://:hunter2@127.0.0.1:${silentPort}`, ...quick })],
    ['openStore postgres', () => openStore(`postgres://postgres:hunter2@127.0.0.1:${silentPort}/test`, quick)],
  ],
  // A host name that cannot exist (RFC 6761 reserves .invalid): the lookup fails with ENOTFOUND.
  unknownHost: [
    ['MySQLStore.open', async () => (await load.mysql()).MySQLStore.open({ url: 'mysql://root:hunter2@nonexistent.invalid:3306/test' })],
    [
      'PostgresStore.open',
      async () => (await load.postgres()).PostgresStore.open({ url: 'postgres://postgres:hunter2@nonexistent.invalid:5432/test' }),
    ],
    ['RedisStore.open', async () => (await load.redis()).RedisStore.open({ url: 'redis://:hunter2@nonexistent.invalid:6379' })],
    ['openStore mysql', () => openStore('mysql://root:hunter2@nonexistent.invalid/test')],
    ['openStore postgres', () => openStore('postgres://postgres:hunter2@nonexistent.invalid/test')],
    ['openStore redis', () => openStore('redis://:hunter2@nonexistent.invalid')],
    [
      'zoho-tokens import (the official MySQL table)',
      async () => {
        await readOfficialMysqlTable(parseStoreLocation('mysql://root:hunter2@nonexistent.invalid:3306/zohooauth'));
        return { close: async () => undefined };
      },
    ],
  ],
  denied: [
    ['MySQLStore.open', async () => (await load.mysql()).MySQLStore.open({ url: 'mysql://zts_nosuch_user:hunter2@127.0.0.1:3306/test' })],
    [
      'PostgresStore.open',
      async () => (await load.postgres()).PostgresStore.open({ url: 'postgres://zts_nosuch_user:hunter2@127.0.0.1:5432/test' }),
    ],
    ['RedisStore.open', async () => (await load.redis()).RedisStore.open({ url: 'redis://zts_nosuch_user:hunter2@127.0.0.1:6379' })],
    ['openStore redis', () => openStore('redis://zts_nosuch_user:hunter2@127.0.0.1:6379')],
  ],
  // Run with the drivers blocked (test/_block-packages.js), in an empty working directory that must stay empty.
  drivers: [
    ['openStore memory', () => openStore('memory:')],
    ['openStore list', () => openStore('list:')],
    ['FileStore.open', async () => (await load.file()).FileStore.open({ path: 'never-created.txt' })],
    ['openStore file', () => openStore('file:./never-created.txt')],
    ['SQLiteStore.open', async () => (await load.sqlite()).SQLiteStore.open({ path: 'never-created.db' })],
    ['openStore sqlite', () => openStore('sqlite:./never-created.db')],
    ['MySQLStore.open', async () => (await load.mysql()).MySQLStore.open({ url: 'mysql://root:hunter2@127.0.0.1:3306/test' })],
    ['openStore mysql', () => openStore('mysql://root:hunter2@127.0.0.1:3306/test')],
    [
      'PostgresStore.open',
      async () => (await load.postgres()).PostgresStore.open({ url: 'postgres://postgres:hunter2@127.0.0.1:5432/test' }),
    ],
    ['openStore postgres', () => openStore('postgres://postgres:hunter2@127.0.0.1:5432/test')],
    ['RedisStore.open', async () => (await load.redis()).RedisStore.open({ url: 'redis://:hunter2@127.0.0.1:6379' })],
    ['openStore redis', () => openStore('redis://:hunter2@127.0.0.1:6379')],
    [
      'zoho-tokens import (the official MySQL table)',
      async () => {
        await readOfficialMysqlTable(parseStoreLocation('mysql://root:hunter2@127.0.0.1:3306/zohooauth'));
        return { close: async () => undefined };
      },
    ],
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
