import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
// The official SDK's DBStore and the driver it uses (`mysql`, its dependency), from its package in node_modules.
import { DBBuilder } from '@zohocrm/typescript-sdk-8.0/dist/models/authenticator/store/db_builder.js';
import { OAuthToken as OfficialToken } from '@zohocrm/typescript-sdk-8.0/dist/models/authenticator/oauth_token.js';
import { UserSignature as OfficialUser } from '@zohocrm/typescript-sdk-8.0/dist/routes/user_signature.js';
import mysql from 'mysql2/promise';
import { OAuthToken } from 'zoho-token-store';
import { MySQLStore } from 'zoho-token-store/mysql';
import { completeToken, zohoLikeToken } from 'zoho-token-store/testing';
import { formatNs, measure, printComparisons, printFigures, type Measurement, type MeasureOptions } from './harness.js';

const SERVER = { host: '127.0.0.1', port: 3306, user: 'root', password: '' } as const;
const TOKENS = 1_000;
const COLUMNS = 'id, user_name, client_id, client_secret, refresh_token, access_token, grant_token, expiry_time, redirect_url, api_domain';
// Calls that open a connection each (the official DBStore) take milliseconds: fewer of them per batch.
const SLOW = { batches: 5, perBatch: 10 } as const;

type Operation = [label: string, op: (i: number) => unknown, options?: MeasureOptions];

/**
 * Measures every operation once per round, for several rounds, and keeps each one's median round: on a shared,
 * busy server the load drifts, and rounds expose every subject and anchor to the same drift.
 */
async function measureInRounds(operations: readonly Operation[], rounds = 5): Promise<Measurement[]> {
  const results = operations.map((): Measurement[] => []);
  for (let round = 0; round < rounds; round += 1) {
    for (const [index, [label, op, options]] of operations.entries()) {
      results[index]?.push(await measure(label, op, { batches: 7, ...options }));
    }
  }
  return results.map((list) => [...list].sort((x, y) => x.medianNs - y.medianNs)[Math.floor(list.length / 2)] as Measurement);
}

/**
 * Times a subject and its anchor call by call, alternating, so both meet the same load: the median over batches
 * of each one's mean. What the harness's `measure` does for one operation, for a pair.
 */
async function measurePaired(anchor: Operation, subject: Operation, batches = 21, perBatch = 40): Promise<[Measurement, Measurement]> {
  const timed = async (op: Operation[1], i: number): Promise<number> => {
    const start = process.hrtime.bigint();
    await op(i);
    return Number(process.hrtime.bigint() - start);
  };
  for (let i = 0; i < 20; i += 1) {
    await timed(anchor[1], i);
    await timed(subject[1], i);
  }
  const samples: [number[], number[]] = [[], []];
  for (let batch = 0, i = 0; batch < batches; batch += 1) {
    let anchorNs = 0;
    let subjectNs = 0;
    for (let k = 0; k < perBatch; k += 1, i += 1) {
      anchorNs += await timed(anchor[1], i);
      subjectNs += await timed(subject[1], i);
    }
    samples[0].push(anchorNs / perBatch);
    samples[1].push(subjectNs / perBatch);
  }
  const median = (list: number[]): number => [...list].sort((x, y) => x - y)[Math.floor(list.length / 2)] as number;
  const operations = batches * perBatch;
  return [
    { label: anchor[0], medianNs: median(samples[0]), operations },
    { label: subject[0], medianNs: median(samples[1]), operations },
  ];
}

interface LegacyConnection {
  connect(callback: (error: Error | null) => void): void;
  end(callback: (error?: Error | null) => void): void;
}
// Resolved from the official SDK's own package, wherever npm placed its dependency.
const sdkRequire = createRequire(createRequire(import.meta.url).resolve('@zohocrm/typescript-sdk-8.0/package.json'));
const legacyMysql = sdkRequire('mysql') as { createConnection(options: object): LegacyConnection };

/** What the official DBStore pays on every call before its query: a new connection, then its end. */
function connectionSetup(): Promise<void> {
  return new Promise((resolve, reject) => {
    const connection = legacyMysql.createConnection({ ...SERVER });
    connection.connect((error) => {
      if (error) return reject(error);
      connection.end((endError) => (endError ? reject(endError) : resolve()));
    });
  });
}

/**
 * MySQLStore findToken and saveToken on MariaDB beside the raw mysql2 pool doing the same single-row SELECT and an
 * upsert (INSERT … ON DUPLICATE KEY UPDATE) on the same table, and beside the official SDK's DBStore.
 */
export async function benchMySQLStore(): Promise<void> {
  const database = `zts_bench_${randomBytes(5).toString('hex')}`;
  let store: MySQLStore;
  try {
    store = await MySQLStore.open({ ...SERVER, database, createDatabase: true });
  } catch (error) {
    console.log(
      `\n## MySQLStore: SKIPPED, MariaDB is not reachable on ${SERVER.host}:${SERVER.port} (${(error as { code?: string }).code})`,
    );
    return;
  }
  const pool = mysql.createPool({ ...SERVER, connectionLimit: 10 });
  try {
    // Two sets of users in the one table: the raw pool writes to its own, so that its writes do not make every
    // row MySQLStore knows stale (that case is the retry path: see docs/mysql-store.md).
    const tokens = Array.from({ length: 2 * TOKENS }, (_, i) => completeToken({ userSignature: `bench.user${i}@example.com` }));
    for (let start = 0; start < tokens.length; start += 50)
      await Promise.all(tokens.slice(start, start + 50).map((token) => store.saveToken(token)));
    const names = tokens.slice(0, TOKENS).map((token) => String(token.userName));
    const rawNames = tokens.slice(TOKENS).map((token) => String(token.userName));
    const rawIds = tokens.slice(TOKENS).map((token) => String(token.id));
    const table = `\`${database}\`.\`oauthtoken\``;
    const pick = <T>(list: readonly T[], i: number): T => list[(i * 7_919) % TOKENS] as T;

    const queries = names.map((name) => new OAuthToken({ userSignature: name }));
    const official = new DBBuilder()
      .host(SERVER.host)
      .portNumber(SERVER.port)
      .userName(SERVER.user)
      .password(SERVER.password)
      .databaseName(database)
      .build();
    let fresh = 0;
    const expiry = (): string => String(Date.now() + 3_600_000);
    const [rawSelect, find] = await measurePaired(
      ['raw pool SELECT', (i) => pool.execute(`SELECT ${COLUMNS} FROM ${table} WHERE user_name = ? LIMIT 1`, [pick(rawNames, i)])],
      ['findToken', (i) => store.findToken(pick(queries, i))],
    );
    // Writes: a new access token and expiry for a stored user, as after every refresh.
    const [rawUpsert, save] = await measurePaired(
      [
        'raw pool upsert',
        (i) =>
          pool.execute(
            `INSERT INTO ${table} (id, user_name, access_token, expiry_time) VALUES (?, ?, ?, ?)
             ON DUPLICATE KEY UPDATE access_token = VALUES(access_token), expiry_time = VALUES(expiry_time)`,
            [pick(rawIds, i), pick(rawNames, i), zohoLikeToken(), expiry()],
          ),
      ],
      [
        'saveToken',
        (i) =>
          store.saveToken(
            new OAuthToken({ userSignature: pick(names, i), accessToken: zohoLikeToken(), expiresAt: Date.now() + 3_600_000 }),
          ),
      ],
    );
    // The least a read-merge-write needs with the raw pool: the row, then its update.
    const [rawReadWrite, saveAgain] = await measurePaired(
      [
        'raw SELECT+UPDATE',
        async (i) => {
          await pool.execute(`SELECT ${COLUMNS} FROM ${table} WHERE user_name = ? LIMIT 1`, [pick(rawNames, i)]);
          await pool.execute(`UPDATE ${table} SET access_token = ?, expiry_time = ? WHERE id = ?`, [
            zohoLikeToken(),
            expiry(),
            pick(rawIds, i),
          ]);
        },
      ],
      [
        'saveToken',
        (i) =>
          store.saveToken(
            new OAuthToken({ userSignature: pick(names, i), accessToken: zohoLikeToken(), expiresAt: Date.now() + 3_600_000 }),
          ),
      ],
    );
    // A new user: the locked path (write lock, transaction, max(id) + 1, insert).
    const [rawInsert, insert] = await measurePaired(
      [
        'raw pool INSERT',
        () => {
          fresh += 1;
          return pool.execute(`INSERT INTO ${table} (id, user_name, access_token) VALUES (?, ?, ?)`, [
            `r${fresh}`,
            `raw.new${fresh}@example.com`,
            zohoLikeToken(),
          ]);
        },
      ],
      [
        'saveToken (new user)',
        () => {
          fresh += 1;
          return store.saveToken(completeToken({ userSignature: `store.new${fresh}@example.com` }));
        },
      ],
      11,
      20,
    );
    // The official DBStore on the same table (a new connection per call), and that connection's cost alone.
    const [officialFind, officialSave, setup] = (await measureInRounds([
      [
        'official findToken',
        (i) => official.findToken(new OfficialToken(null, null, null, null, null, null, null, new OfficialUser(pick(names, i)))),
        SLOW,
      ],
      [
        'official saveToken',
        (i) => {
          const token = new OfficialToken(null, null, null, null, null, null, zohoLikeToken(), new OfficialUser(pick(names, i)));
          token.setExpiresIn(expiry());
          return official.saveToken(token);
        },
        SLOW,
      ],
      ['connect+end', () => connectionSetup(), SLOW],
    ])) as [Measurement, Measurement, Measurement];

    printComparisons(`MySQLStore vs the raw mysql2 pool on the same MariaDB table, ${2 * TOKENS} tokens (median per call)`, [
      { what: 'find by user name', subject: find, anchor: rawSelect, goal: { maxRatio: 1.3 } },
      { what: 'save (update a user)', subject: save, anchor: rawUpsert, goal: { maxRatio: 1.3 } },
      { what: 'save vs read+write', subject: saveAgain, anchor: rawReadWrite },
      { what: 'save (new user)', subject: insert, anchor: rawInsert },
    ]);
    printComparisons('MySQLStore vs the official SDK DBStore (a new connection per call)', [
      { what: 'find by user name', subject: find, anchor: officialFind },
      { what: 'save (update a user)', subject: save, anchor: officialSave },
    ]);
    const saved = (subject: Measurement, anchor: Measurement): string => {
      const gain = anchor.medianNs - subject.medianNs;
      return `${formatNs(gain)} per call; ${gain >= setup.medianNs ? 'ok' : 'MISSED'} (goal ≥ its connection setup, ${formatNs(setup.medianNs)})`;
    };
    printFigures('Time MySQLStore saves per call over the official DBStore', [
      ['find', saved(find, officialFind)],
      ['save', saved(save, officialSave)],
    ]);
  } finally {
    await store.close();
    await pool.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await pool.end();
  }
}
