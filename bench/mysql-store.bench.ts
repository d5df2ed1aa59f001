import { randomBytes } from 'node:crypto';
// The official SDK's DBStore and the driver it uses (`mysql`, its dependency), from its package in node_modules.
import { DBBuilder } from '@zohocrm/typescript-sdk-8.0/dist/models/authenticator/store/db_builder.js';
import { OAuthToken as OfficialToken } from '@zohocrm/typescript-sdk-8.0/dist/models/authenticator/oauth_token.js';
import { UserSignature as OfficialUser } from '@zohocrm/typescript-sdk-8.0/dist/routes/user_signature.js';
import legacyMysql from 'mysql';
import mysql from 'mysql2/promise';
import { OAuthToken } from 'zoho-token-store';
import { MySQLStore } from 'zoho-token-store/mysql';
import { completeToken, zohoLikeToken } from 'zoho-token-store/testing';
import { formatNs, measure, printComparisons, printFigures, type Measurement } from './harness.js';

const SERVER = { host: '127.0.0.1', port: 3306, user: 'root', password: '' } as const;
const TOKENS = 1_000;
const COLUMNS = 'id, user_name, client_id, client_secret, refresh_token, access_token, grant_token, expiry_time, redirect_url, api_domain';
// Calls that open a connection each (the official DBStore) take milliseconds: fewer of them per batch.
const SLOW = { batches: 11, perBatch: 20 } as const;

/**
 * Measures two operations in alternating rounds and keeps each one's median round: on a shared, busy server the
 * load drifts, and alternating exposes subject and anchor to the same drift.
 */
async function measurePair(
  a: [string, (i: number) => unknown],
  b: [string, (i: number) => unknown],
  rounds = 5,
): Promise<[Measurement, Measurement]> {
  const results: [Measurement[], Measurement[]] = [[], []];
  for (let round = 0; round < rounds; round += 1) {
    results[0].push(await measure(a[0], a[1], { batches: 7 }));
    results[1].push(await measure(b[0], b[1], { batches: 7 }));
  }
  const median = (list: Measurement[]): Measurement => [...list].sort((x, y) => x.medianNs - y.medianNs)[Math.floor(list.length / 2)] as Measurement;
  return [median(results[0]), median(results[1])];
}

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
    console.log(`\n## MySQLStore: SKIPPED, MariaDB is not reachable on ${SERVER.host}:${SERVER.port} (${(error as { code?: string }).code})`);
    return;
  }
  const pool = mysql.createPool({ ...SERVER, connectionLimit: 10 });
  try {
    // Two sets of users in the one table: the raw pool writes to its own, so that its writes do not make every
    // row MySQLStore knows stale (that case is the retry path: see docs/mysql-store.md).
    const tokens = Array.from({ length: 2 * TOKENS }, (_, i) => completeToken({ userSignature: `bench.user${i}@example.com` }));
    for (let start = 0; start < tokens.length; start += 50) await Promise.all(tokens.slice(start, start + 50).map((token) => store.saveToken(token)));
    const names = tokens.slice(0, TOKENS).map((token) => String(token.userName));
    const rawNames = tokens.slice(TOKENS).map((token) => String(token.userName));
    const rawIds = tokens.slice(TOKENS).map((token) => String(token.id));
    const table = `\`${database}\`.\`oauthtoken\``;
    const pick = <T>(list: readonly T[], i: number): T => list[(i * 7_919) % TOKENS] as T;

    // Reads: the same row lookup, by user name.
    const queries = names.map((name) => new OAuthToken({ userSignature: name }));
    const [rawSelect, find] = await measurePair(
      ['raw pool SELECT', (i) => pool.execute(`SELECT ${COLUMNS} FROM ${table} WHERE user_name = ? LIMIT 1`, [pick(rawNames, i)])],
      ['findToken', (i) => store.findToken(pick(queries, i))],
    );

    // Writes: a new access token and expiry for a stored user, as after every refresh.
    const [rawUpsert, save] = await measurePair(
      [
        'raw pool upsert',
        (i) =>
          pool.execute(
            `INSERT INTO ${table} (id, user_name, access_token, expiry_time) VALUES (?, ?, ?, ?)
               ON DUPLICATE KEY UPDATE access_token = VALUES(access_token), expiry_time = VALUES(expiry_time)`,
            [pick(rawIds, i), pick(rawNames, i), zohoLikeToken(), String(Date.now() + 3_600_000)],
          ),
      ],
      [
        'saveToken',
        (i) => store.saveToken(new OAuthToken({ userSignature: pick(names, i), accessToken: zohoLikeToken(), expiresAt: Date.now() + 3_600_000 })),
      ],
    );
    // A new user: the locked path (write lock, transaction, max(id) + 1, insert).
    let fresh = 0;
    const [rawInsert, insert] = await measurePair(
      ['raw pool INSERT', () => {
        fresh += 1;
        return pool.execute(`INSERT INTO ${table} (id, user_name, access_token) VALUES (?, ?, ?)`, [`r${fresh}`, `raw.new${fresh}@example.com`, zohoLikeToken()]);
      }],
      ['saveToken (new user)', () => {
        fresh += 1;
        return store.saveToken(completeToken({ userSignature: `store.new${fresh}@example.com` }));
      }],
      3,
    );
    const rawReadWrite = await measure('raw SELECT+UPDATE', async (i) => {
      await pool.execute(`SELECT ${COLUMNS} FROM ${table} WHERE user_name = ? LIMIT 1`, [pick(rawNames, i)]);
      await pool.execute(`UPDATE ${table} SET access_token = ?, expiry_time = ? WHERE id = ?`, [zohoLikeToken(), String(Date.now() + 3_600_000), pick(rawIds, i)]);
    });

    // The official DBStore on the same table: a new connection per call.
    const official = new DBBuilder().host(SERVER.host).portNumber(SERVER.port).userName(SERVER.user).password(SERVER.password).databaseName(database).build();
    const officialFind = await measure('official findToken', (i) =>
      official.findToken(new OfficialToken(null, null, null, null, null, null, null, new OfficialUser(pick(names, i)))), SLOW);
    const officialSave = await measure('official saveToken', (i) => {
      const token = new OfficialToken(null, null, null, null, null, null, zohoLikeToken(), new OfficialUser(pick(names, i)));
      token.setExpiresIn(String(Date.now() + 3_600_000));
      return official.saveToken(token);
    }, SLOW);
    const setup = await measure('connect+end', () => connectionSetup(), SLOW);

    printComparisons(`MySQLStore vs the raw mysql2 pool on the same MariaDB table, ${2 * TOKENS} tokens (median per call)`, [
      { what: 'find by user name', subject: find, anchor: rawSelect, goal: { maxRatio: 1.3 } },
      { what: 'save (update a user)', subject: save, anchor: rawUpsert, goal: { maxRatio: 1.3 } },
      { what: 'save vs read+write', subject: save, anchor: rawReadWrite },
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
