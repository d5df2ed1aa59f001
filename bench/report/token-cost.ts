import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { MemoryStore, OAuthToken, TokenManager, type TokenStore } from 'zoho-token-store';
import { FileStore } from 'zoho-token-store/file';
import { MySQLStore } from 'zoho-token-store/mysql';
import { PostgresStore } from 'zoho-token-store/postgres';
import { RedisStore } from 'zoho-token-store/redis';
import { SQLiteStore } from 'zoho-token-store/sqlite';
import { completeToken } from 'zoho-token-store/testing';
import { officialFileStore, officialToken } from '../../test/stores/_official-sdk.js';
import { officialDbStore } from '../../test/stores/_official-db-store.js';
import { MARIADB, fillOfficialTable, uniqueDatabaseName } from '../../test/stores/_mysql-databases.js';
import { measure, type MeasureOptions } from '../harness.js';
import { reachable } from '../reachable.js';

/** One point of the chart: the cost of one lookup at one size, median and quartiles over batches. */
export interface CostPoint {
  readonly store: string;
  readonly by: 'zoho-token-store' | 'official SDK';
  readonly tokens: number;
  readonly medianNs: number;
  readonly lowNs: number;
  readonly highNs: number;
}

interface Subject {
  readonly store: string;
  readonly by: CostPoint['by'];
  /** Looks up the i-th query's token. */
  find(i: number): Promise<unknown>;
  /** The official stores re-read a file or open a connection per call: a few calls per batch are enough. */
  readonly slow?: boolean;
}

interface Place {
  readonly subjects: Subject[];
  close(): Promise<void>;
}

const QUICK: MeasureOptions = { batches: 11, targetBatchMs: 10 };
const slowOptions = (size: number): MeasureOptions => (size >= 10_000 ? { batches: 7, perBatch: 3 } : { batches: 9, perBatch: 10 });

async function saveAll(store: TokenStore, tokens: readonly OAuthToken[], parallel: number): Promise<void> {
  for (let i = 0; i < tokens.length; i += parallel)
    await Promise.all(tokens.slice(i, i + parallel).map((token) => store.saveToken(token.clone())));
}

/** Stores of this package on the local disk and in memory, and the official FileStore on the same file content. */
async function localPlace(dir: string, tokens: readonly OAuthToken[], names: readonly string[]): Promise<Place> {
  const size = tokens.length;
  const query = (i: number) => new OAuthToken({ userSignature: names[(i * 7919) % size] as string });
  const memory = new MemoryStore();
  await saveAll(memory, tokens, 1);
  const manager = new TokenManager({ store: memory, telemetry: false });
  const selectors = names.map((user) => ({ user }));
  for (const selector of selectors) await manager.accessToken(selector);
  const sqlite = await SQLiteStore.open({ path: join(dir, `cost-${size}.db`), durability: 'normal' });
  await saveAll(sqlite, tokens, 500);
  const ourFile = join(dir, `cost-${size}.txt`);
  const file = new FileStore({ path: ourFile, fsync: false });
  await saveAll(file, tokens, 500);
  copyFileSync(ourFile, join(dir, `official-${size}.txt`)); // the same bytes: ours writes what the official writer writes
  const official = officialFileStore(join(dir, `official-${size}.txt`));
  return {
    subjects: [
      {
        store: 'TokenManager.accessToken (cache)',
        by: 'zoho-token-store',
        find: (i) => manager.accessToken(selectors[(i * 7919) % size] as { user: string }),
      },
      { store: 'MemoryStore', by: 'zoho-token-store', find: (i) => memory.findToken(query(i)) },
      { store: 'SQLiteStore', by: 'zoho-token-store', find: (i) => sqlite.findToken(query(i)) },
      { store: 'FileStore', by: 'zoho-token-store', find: (i) => file.findToken(query(i)) },
      {
        store: 'official FileStore',
        by: 'official SDK',
        find: (i) => official.findToken(officialToken({ userName: names[(i * 7919) % size] as string })),
        slow: true,
      },
    ],
    close: async () => {
      await manager.close();
      await Promise.all([memory.close(), sqlite.close(), file.close()]);
    },
  };
}

/** The server stores that answer here: Redis, PostgreSQL, MySQL (with the official DBStore on the same table). */
async function serverPlace(tokens: readonly OAuthToken[], names: readonly string[]): Promise<Place> {
  const size = tokens.length;
  const query = (i: number) => new OAuthToken({ userSignature: names[(i * 7919) % size] as string });
  const subjects: Subject[] = [];
  const closers: Array<() => Promise<unknown>> = [];
  if (await reachable(6379)) {
    const keyPrefix = `zts-bench-report:${randomBytes(6).toString('hex')}:`;
    const redis = new RedisStore({ url: 'redis://127.0.0.1:6379', keyPrefix });
    await saveAll(redis, tokens, 200);
    subjects.push({ store: 'RedisStore', by: 'zoho-token-store', find: (i) => redis.findToken(query(i)) });
    closers.push(async () => {
      await redis.deleteTokens();
      await redis.close();
    });
  }
  if (await reachable(5432)) {
    const schema = `zts_bench_report_${randomBytes(5).toString('hex')}`;
    const postgres = await PostgresStore.open({
      connection: { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', max: 8 },
      schema,
    });
    await saveAll(postgres, tokens, 50);
    subjects.push({ store: 'PostgresStore', by: 'zoho-token-store', find: (i) => postgres.findToken(query(i)) });
    closers.push(async () => {
      await postgres.close();
      const { default: pg } = await import('pg');
      const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    });
  }
  if (await reachable(MARIADB.port, MARIADB.host)) {
    const database = uniqueDatabaseName('bench_report');
    const pool = mysql.createPool({ ...MARIADB, connectionLimit: 2 });
    await pool.query(`CREATE DATABASE \`${database}\``);
    await fillOfficialTable(pool, database, tokens); // the official table, as its documentation creates it
    const store = await MySQLStore.open({ ...MARIADB, database });
    const official = officialDbStore(database);
    subjects.push({ store: 'MySQLStore', by: 'zoho-token-store', find: (i) => store.findToken(query(i)) });
    subjects.push({
      store: 'official DBStore (MySQL)',
      by: 'official SDK',
      find: (i) => official.findToken(officialToken({ userName: names[(i * 7919) % size] as string }) as never),
      slow: true,
    });
    closers.push(async () => {
      await store.close();
      await pool.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await pool.end();
    });
  }
  return { subjects, close: async () => void (await Promise.all(closers.map((close) => close()))) };
}

/**
 * The cost of getting a token for an API call (a lookup by user name, what the official SDK does before every call)
 * against the number of stored tokens, per store, ours beside the official SDK's FileStore and DBStore.
 */
export async function tokenCost(sizes: readonly number[]): Promise<CostPoint[]> {
  const dir = mkdtempSync(join(tmpdir(), 'zts-bench-report-'));
  try {
    return await costs(dir, sizes);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function costs(dir: string, sizes: readonly number[]): Promise<CostPoint[]> {
  const points: CostPoint[] = [];
  for (const size of sizes) {
    const tokens = Array.from({ length: size }, () => completeToken({ expiresAt: Date.now() + 24 * 3_600_000 }));
    const names = tokens.map((token) => String(token.userName));
    for (const place of [await localPlace(dir, tokens, names), await serverPlace(tokens, names)]) {
      try {
        // A discarded round first: the garbage of filling the stores is collected during it, not during a subject.
        const first = place.subjects[0];
        if (first !== undefined) await measure('settle', first.find, QUICK);
        for (const subject of place.subjects) {
          const m = await measure(subject.store, subject.find, subject.slow ? slowOptions(size) : QUICK);
          points.push({
            store: subject.store,
            by: subject.by,
            tokens: size,
            medianNs: m.medianNs,
            lowNs: m.lowNs ?? m.medianNs,
            highNs: m.highNs ?? m.medianNs,
          });
          console.log(`  ${subject.store}, ${size} tokens: ${(m.medianNs / 1000).toFixed(2)} µs`);
        }
      } finally {
        await place.close();
      }
    }
  }
  return points;
}
