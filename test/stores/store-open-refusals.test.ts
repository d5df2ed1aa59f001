// Each store's open refuses bad options, an unreachable or silent server, refused credentials and a missing driver
// with the documented codes, at open time; the failed opens leave nothing behind (their process ends by itself).
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ErrorCode, ListStore, MemoryStore, isTokenStoreError, openStore } from 'zoho-token-store';
import { FileStore } from 'zoho-token-store/file';
import { MySQLStore } from 'zoho-token-store/mysql';
import { PostgresStore } from 'zoho-token-store/postgres';
import { RedisStore } from 'zoho-token-store/redis';
import { SQLiteStore } from 'zoho-token-store/sqlite';
import { runNode } from '../_processes.js';
import { skipUnless } from '../_services.js';
import { TcpProxy } from '../_tcp-proxy.js';
import { tempDir } from './_file-temp.js';

const mysqlSkip = await skipUnless('mariadb');
const postgresSkip = await skipUnless('postgres');
const redisSkip = await skipUnless('redis');
const serversSkip = mysqlSkip || postgresSkip || redisSkip;

interface Outcome {
  readonly name: string;
  readonly code: string;
  readonly message: string;
}

/** Runs one group of _open-attempts.js in a child process; it must end on its own (no handle left open). */
async function attempts(group: string, args: readonly string[] = [], env: NodeJS.ProcessEnv = {}, cwd?: string): Promise<Outcome[]> {
  const result = await runNode(resolve('dist/test/stores/_open-attempts.js'), [group, ...args], env, cwd);
  assert.equal(result.code, 0, result.stderr);
  assert.doesNotMatch(result.stdout + result.stderr, /hunter2/);
  return result.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Outcome);
}

function assertCodes(outcomes: readonly Outcome[], expected: string, count: number): void {
  assert.equal(outcomes.length, count);
  for (const outcome of outcomes) assert.equal(outcome.code, expected, `${outcome.name}: ${outcome.message}`);
}

const invalid = (error: unknown): boolean => {
  assert.ok(isTokenStoreError(error), String(error));
  assert.equal(error.code, ErrorCode.INVALID_CONFIG, error.message);
  assert.doesNotMatch(error.message, /hunter2/);
  return true;
};

describe("each store's open refuses bad options with INVALID_CONFIG, before opening anything", () => {
  const folder = tempDir('open-refusals');
  after(() => folder.remove());

  test('memory and list', async () => {
    await assert.rejects(MemoryStore.open({ tabel: 'x' } as never), invalid);
    await assert.rejects(ListStore.open({ path: 'x' } as never), invalid);
    await assert.rejects(ListStore.open({ encryption: { keys: {}, currentKeyId: 'a' } }), invalid);
  });

  test('file and SQLite: a directory, a missing folder, an unknown option', async () => {
    mkdirSync(join(folder.path, 'a-folder'));
    for (const open of [FileStore.open, SQLiteStore.open]) {
      await assert.rejects(open({ path: join(folder.path, 'a-folder') }), invalid);
      await assert.rejects(open({ path: join(folder.path, 'missing', 'tokens') }), invalid);
      await assert.rejects(open({ path: '' }), invalid);
      await assert.rejects(open({ url: 'file:./x' } as never), invalid);
    }
    await assert.rejects(FileStore.open({ lockWaitMs: -1 }), invalid);
    await assert.rejects(SQLiteStore.open({ durability: 'sometimes' as never }), invalid);
  });

  test('MySQL, PostgreSQL and Redis: wrong URLs, clashing options; no password in the message', async () => {
    await assert.rejects(MySQLStore.open({ url: 'postgres://u:hunter2@h/db' }), invalid);
    await assert.rejects(MySQLStore.open({ url: 'mysql://u:hunter2@h/db', host: 'other' }), invalid);
    await assert.rejects(MySQLStore.open({ url: 'mysql://u:hunter2@h/db', connectTimeoutMs: 0 }), invalid);
    await assert.rejects(PostgresStore.open({ url: 'mysql://u:hunter2@h/db' }), invalid);
    await assert.rejects(PostgresStore.open({ url: 'postgres://u:hunter2@h/db', connection: 'postgres://u:hunter2@h/db' }), invalid);
    await assert.rejects(PostgresStore.open({ url: 'postgres://u:hunter2@h/db', connectTimeoutMs: 1.5 }), invalid);
    await assert.rejects(PostgresStore.open({ url: 'postgres://u:hunter2@h/db', table: 'a"b' }), invalid);
    await assert.rejects(PostgresStore.open({ url: 'postgres://u:hunter2@h/db?port=abc' }), invalid);
    await assert.rejects(RedisStore.open({ url: 'http://u:hunter2@h' }), invalid);
    await assert.rejects(RedisStore.open({ url: 'redis://u:hunter2@h/zero' }), invalid);
    await assert.rejects(RedisStore.open({ url: 'redis://u:hunter2@h', prefix: 'a*' }), invalid);
    await assert.rejects(RedisStore.open({ url: 'redis://u:hunter2@h', prefix: 'a:', keyPrefix: 'b:' }), invalid);
    await assert.rejects(RedisStore.open({ url: 'redis://u:hunter2@h', connectTimeoutMs: 0 }), invalid);
  });
});

describe("each server store's open fails at once, typed, when it cannot use the server", { skip: serversSkip }, () => {
  // A port that refuses connections (a proxy whose listener is cut) and one that accepts and never answers.
  const closed = new TcpProxy('127.0.0.1', 9);
  const sockets = new Set<Socket>();
  let silent: Server;
  before(async () => {
    await closed.start();
    await closed.cut();
    silent = createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });
  const silentPort = () => String((silent.address() as { port: number }).port);

  test('a refused connection: STORE_UNAVAILABLE', { timeout: 120_000 }, async () => {
    assertCodes(await attempts('unreachable', [String(closed.port), silentPort()]), ErrorCode.STORE_UNAVAILABLE, 6);
  });

  test('a server that never answers: STORE_UNAVAILABLE once the connect timeout passed', { timeout: 120_000 }, async () => {
    assertCodes(await attempts('silent', [String(closed.port), silentPort()]), ErrorCode.STORE_UNAVAILABLE, 4);
  });

  test('a host that does not exist: STORE_UNAVAILABLE saying the host was not found, not "retry"', { timeout: 120_000 }, async () => {
    const outcomes = await attempts('unknownHost');
    assertCodes(outcomes, ErrorCode.STORE_UNAVAILABLE, 7);
    for (const outcome of outcomes) {
      assert.match(outcome.message, /: the host "nonexistent\.invalid" was not found \(ENOTFOUND\): check the host name\./, outcome.name);
      assert.doesNotMatch(outcome.message, /cannot be reached now|retry when it is back|retry later/, outcome.name);
    }
  });

  test('a user the server does not know: STORE_ACCESS_DENIED', { timeout: 120_000 }, async () => {
    assertCodes(await attempts('denied'), ErrorCode.STORE_ACCESS_DENIED, 4);
  });
});

test('without the drivers installed, each open rejects with DRIVER_MISSING naming the npm package, and creates no file', {
  timeout: 120_000,
}, async () => {
  const blocked = ['better-sqlite3', 'mysql2', 'pg', 'ioredis', 'proper-lockfile'];
  const folder = tempDir('open-no-drivers');
  try {
    const outcomes = await attempts(
      'drivers',
      [],
      { NODE_OPTIONS: `--import=${new URL('../_block-packages.js', import.meta.url).href}`, ZTS_BLOCKED_PACKAGES: blocked.join(',') },
      folder.path,
    );
    const [memory, list, ...rest] = outcomes;
    assert.equal(memory?.code, 'OPENED', memory?.message);
    assert.equal(list?.code, 'OPENED', list?.message);
    const needs = [
      'proper-lockfile',
      'proper-lockfile',
      'better-sqlite3',
      'better-sqlite3',
      'mysql2',
      'mysql2',
      'pg',
      'pg',
      'ioredis',
      'ioredis',
      'mysql2',
    ];
    assert.equal(rest.length, needs.length);
    rest.forEach((outcome, i) => {
      assert.equal(outcome.code, ErrorCode.DRIVER_MISSING, `${outcome.name}: ${outcome.message}`);
      // The package, never a module path: `npm install mysql2/promise` would fetch a GitHub repository.
      assert.match(outcome.message, new RegExp(`npm install ${needs[i]}$`), outcome.name);
      assert.match(outcome.message, new RegExp(`the package "${needs[i]}"`), outcome.name);
    });
    assert.deepEqual(readdirSync(folder.path), [], 'a failed open leaves no file behind (no 0-byte database)');
  } finally {
    folder.remove();
  }
});

test('an open refused for a bad option creates no file either', async () => {
  const folder = tempDir('open-bad-option');
  try {
    const db = join(folder.path, 'tokens.db');
    const txt = join(folder.path, 'tokens.txt');
    await assert.rejects(SQLiteStore.open({ path: db, durability: 'sometimes' as never }), invalid);
    await assert.rejects(SQLiteStore.open({ path: db, encryption: { keys: {}, currentKeyId: 'a' } }), invalid);
    await assert.rejects(openStore(`sqlite:${db}?mode=ro`), invalid);
    await assert.rejects(openStore(`sqlite:${db}`, { tabel: 'x' }), invalid);
    await assert.rejects(FileStore.open({ path: txt, lockWaitMs: -1 }), invalid);
    await assert.rejects(openStore(`file:${txt}`, { encryption: { keys: {}, currentKeyId: 'a' } }), invalid);
    assert.deepEqual(readdirSync(folder.path), []);
  } finally {
    folder.remove();
  }
});
