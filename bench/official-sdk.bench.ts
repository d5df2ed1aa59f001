import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Environment,
  FileStore as OfficialFileStore,
  InitializeBuilder,
  Levels,
  LogBuilder,
  OAuthBuilder,
  UserSignature,
} from '@zohocrm/typescript-sdk-8.0';
import mysql from 'mysql2/promise';
import { MemoryStore, OAuthToken, TokenManager, zohoEnvironment, type TokenStore } from 'zoho-token-store';
import { FileStore } from 'zoho-token-store/file';
import { MySQLStore } from 'zoho-token-store/mysql';
import { OfficialTokenStore, type OfficialOAuthToken } from 'zoho-token-store/official';
import { SQLiteStore } from 'zoho-token-store/sqlite';
import { completeToken } from 'zoho-token-store/testing';
import { measure, printComparisons, printFigures, type ComparisonRow, type Measurement, type MeasureOptions } from './harness.js';
import { reachable } from './reachable.js';
import type { OfficialStore } from '../test/official/_official-harness.js';
import { MARIADB, fillOfficialTable, uniqueDatabaseName } from '../test/stores/_mysql-databases.js';
import { officialDbStore } from '../test/stores/_official-db-store.js';

const USERS = 10_000;
const ROUNDS = 3;
// The official stores read the whole file, or open a connection, per call: a few calls per batch are enough.
const SLOW: MeasureOptions = { batches: 7, perBatch: 3 };
const QUICK: MeasureOptions = { batches: 11 };

interface Subject {
  readonly label: string;
  readonly store: OfficialStore;
  readonly options: MeasureOptions;
}

const environment = new Environment('https://www.zohoapis.com', 'https://accounts.zoho.com/oauth/v2/token', 'https://content.zohoapis.com');
const bridge = (store: TokenStore | TokenManager): OfficialStore => new OfficialTokenStore(store) as unknown as OfficialStore;

/**
 * What the official SDK does for a token before every API call (`OAuthToken.getToken`: the store's findToken, then
 * the expiry check), for a request of a random user among 10,000: its own FileStore and DBStore against ours
 * through the bridge, and the bridge against the store it wraps. Tokens are valid, so no call leaves the process
 * (bar the databases).
 */
export async function benchOfficialSdk(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'zts-bench-official-'));
  const tokens = Array.from({ length: USERS }, () => completeToken({ expiresAt: Date.now() + 24 * 3_600_000 }));
  const names = tokens.map((token) => String(token.userName));
  const pick = (i: number): string => names[(i * 7919) % USERS] as string;
  const getToken = (i: number) =>
    (new OAuthBuilder().userSignature(new UserSignature(pick(i))).build() as unknown as { getToken(): Promise<unknown> }).getToken();
  const closers: Array<() => Promise<unknown>> = [];
  const rows: ComparisonRow[] = [];
  try {
    const ourFile = join(dir, 'ours.txt');
    const fileStore = new FileStore({ path: ourFile });
    for (let i = 0; i < USERS; i += 500) await Promise.all(tokens.slice(i, i + 500).map((token) => fileStore.saveToken(token.clone())));
    closers.push(() => fileStore.close());
    copyFileSync(ourFile, join(dir, 'official.txt')); // the same bytes: ours writes these values as the official writer does
    const sqlite = await SQLiteStore.open({ path: join(dir, 'tokens.db') });
    closers.push(() => sqlite.close());
    const memory = new MemoryStore();
    for (const token of tokens) {
      await sqlite.saveToken(token.clone());
      await memory.saveToken(token.clone());
    }
    const manager = new TokenManager({ store: sqlite, environment: zohoEnvironment('us') });
    closers.push(() => manager.close());

    const files: Subject[] = [
      { label: 'official FileStore', store: new OfficialFileStore(join(dir, 'official.txt')) as unknown as OfficialStore, options: SLOW },
      { label: 'FileStore via bridge', store: bridge(fileStore), options: QUICK },
      { label: 'SQLiteStore via bridge', store: bridge(sqlite), options: QUICK },
      { label: 'MemoryStore via bridge', store: bridge(memory), options: QUICK },
      { label: 'managed (TokenManager on SQLite)', store: bridge(manager), options: QUICK },
      // What the official SDK costs by itself: getToken on an official-shaped store over a bare Map.
      { label: 'bare Map store', store: bareMapStore(tokens), options: QUICK },
    ];
    const [officialFile, fileVia, sqliteVia, memoryVia, managed, floor] = (await inRounds(files, getToken, pick(0))) as Measurement[];
    for (const subject of [fileVia, sqliteVia, memoryVia, managed])
      rows.push({ what: `getToken, ${USERS} users`, subject: subject as Measurement, anchor: officialFile as Measurement });

    const mysqlRows = await mysqlPair(getToken, pick(0), tokens, closers);
    rows.push(...mysqlRows);

    rows.push({ what: 'official SDK floor', subject: memoryVia as Measurement, anchor: floor as Measurement });
    // The bridge's own cost: the same MemoryStore lookup, straight and through the bridge (official token in and out).
    const memoryBridge = new OfficialTokenStore(memory);
    const viaBridge = await measure('bridge findToken on MemoryStore', (i) => memoryBridge.findToken(officialUser(pick(i))), QUICK);
    const direct = await measure('MemoryStore.findToken', (i) => memory.findToken(new OAuthToken({ userSignature: pick(i) })), QUICK);
    rows.push({ what: 'bridge overhead', subject: viaBridge, anchor: direct });
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
  printComparisons(
    `The official SDK getting a token for a call (OAuthToken.getToken), ${USERS} users: ours via zoho-token-store/official vs its own stores, median per call`,
    rows,
  );
  printFigures(
    'Speed-up over the official SDK with its own store',
    rows
      .filter((row) => row.what.startsWith('getToken'))
      .map(
        (row) =>
          [row.subject.label, `${(row.anchor.medianNs / row.subject.medianNs).toFixed(0)}× faster than ${row.anchor.label}`] as const,
      ),
  );
}

const officialUser = (name: string): OfficialOAuthToken =>
  new OAuthBuilder().userSignature(new UserSignature(name)).build() as unknown as OfficialOAuthToken;

/** The least a store can do for the official SDK: a Map lookup by user name, filling the SDK's token in place. */
function bareMapStore(tokens: readonly OAuthToken[]): OfficialStore {
  const byUser = new Map(tokens.map((token) => [String(token.userName), token]));
  const store = {
    async findToken(token: OfficialOAuthToken) {
      const found = byUser.get(String(token.getUserSignature()?.getName()));
      if (!found) return null;
      token.setId(found.id);
      token.setAccessToken(found.accessToken);
      token.setRefreshToken(found.refreshToken);
      token.setClientId(found.clientId);
      token.setClientSecret(found.clientSecret);
      token.setExpiresIn(String(found.expiresAt));
      token.setAPIDomain(found.apiDomain);
      return token;
    },
    saveToken: async () => undefined,
    deleteToken: async () => undefined,
    getTokens: async () => [],
    deleteTokens: async () => undefined,
    findTokenById: async () => null,
  };
  return store as unknown as OfficialStore;
}

/** Each subject measured once per round (the official Initializer is re-initialized with its store), median round kept. */
async function inRounds(subjects: readonly Subject[], op: (i: number) => Promise<unknown>, firstUser: string): Promise<Measurement[]> {
  const results = subjects.map((): Measurement[] => []);
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [index, subject] of subjects.entries()) {
      await initialize(subject.store, op, firstUser);
      results[index]?.push(await measure(subject.label, op, subject.options));
    }
  }
  return results.map((list) => [...list].sort((x, y) => x.medianNs - y.medianNs)[Math.floor(list.length / 2)] as Measurement);
}

async function initialize(store: OfficialStore, op: (i: number) => Promise<unknown>, firstUser: string): Promise<void> {
  // A stored, valid user (op(0)'s): initializing then reads the store and calls no server.
  const token = new OAuthBuilder().userSignature(new UserSignature(firstUser)).build();
  await new InitializeBuilder()
    .environment(environment)
    .token(token)
    .store(store)
    .logger(new LogBuilder().level(Levels.OFF).build())
    .initialize();
  await op(0); // the first lookup of each store outside the timing
}

/** The official DBStore against MySQLStore via the bridge on one official table of 10,000 tokens. */
async function mysqlPair(
  op: (i: number) => Promise<unknown>,
  firstUser: string,
  tokens: readonly OAuthToken[],
  closers: Array<() => Promise<unknown>>,
): Promise<ComparisonRow[]> {
  if (!(await reachable(MARIADB.port, MARIADB.host))) {
    console.log(`\n## official DBStore vs MySQLStore via the bridge: SKIPPED, MariaDB is not reachable on ${MARIADB.host}:${MARIADB.port}`);
    return [];
  }
  const database = uniqueDatabaseName('bench_official');
  const pool = mysql.createPool({ ...MARIADB, connectionLimit: 2 });
  closers.push(async () => {
    await pool.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await pool.end();
  });
  await pool.query(`CREATE DATABASE \`${database}\``);
  await fillOfficialTable(pool, database, tokens); // the official table, as its documentation creates it
  const store = await MySQLStore.open({ ...MARIADB, database });
  closers.push(() => store.close());
  const official = officialDbStore(database);
  const [theirs, ours] = await inRounds(
    [
      { label: 'official DBStore', store: official as unknown as OfficialStore, options: SLOW },
      { label: 'MySQLStore via bridge', store: bridge(store), options: QUICK },
    ],
    op,
    firstUser,
  );
  return [{ what: `getToken, ${tokens.length} users`, subject: ours as Measurement, anchor: theirs as Measurement }];
}
