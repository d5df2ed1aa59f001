import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { OAuthToken } from 'zoho-token-store';
import { OFFICIAL_COLUMNS, recordToOfficialRow } from 'zoho-token-store/kernel';
import { PostgresStore } from 'zoho-token-store/postgres';
import { completeToken, zohoLikeToken } from 'zoho-token-store/testing';
import { measure, printComparisons, printFigures, type MeasureOptions, type Measurement } from './harness.js';
import { reachable } from './reachable.js';

const SERVER = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' } as const;
const SIZE = 1_000;

/**
 * Measures the operations in turns (a, b, a, b, …) and keeps each one's median round: on a shared machine the
 * load changes by the second, and taking turns lets subject and anchor see the same load.
 */
async function inTurns(
  rounds: number,
  ops: ReadonlyArray<readonly [string, (i: number) => unknown]>,
  options: MeasureOptions,
): Promise<Measurement[]> {
  const runs = ops.map(() => [] as Measurement[]);
  for (let round = 0; round < rounds; round += 1) {
    for (const [index, [label, op]] of ops.entries()) runs[index]?.push(await measure(label, op, options));
  }
  return runs.map((measurements) => {
    const sorted = [...measurements].sort((a, b) => a.medianNs - b.medianNs);
    const middle = sorted[Math.floor(sorted.length / 2)] as Measurement;
    return { ...middle, operations: measurements.reduce((sum, m) => sum + m.operations, 0) };
  });
}

/**
 * PostgresStore findToken / saveToken on 1,000 tokens, beside what the raw `pg` pool does for the same job on the
 * same table in the same run: a single-row SELECT by user name, and a one-statement upsert on user name.
 */
export async function benchPostgresStore(): Promise<void> {
  if (!(await reachable(SERVER.port, SERVER.host))) {
    printFigures('PostgresStore vs the raw pg pool', [['skipped', `PostgreSQL is not reachable on ${SERVER.host}:${SERVER.port}`]]);
    return;
  }
  const schema = `zts_bench_${randomBytes(5).toString('hex')}`;
  const table = 'oauthtoken';
  const pool = new pg.Pool({ ...SERVER, max: 4 });
  const store = await PostgresStore.open({ connection: { ...SERVER, max: 4 }, schema, table });
  try {
    const tokens = Array.from({ length: SIZE }, () => completeToken());
    for (let i = 0; i < SIZE; i += 50) await Promise.all(tokens.slice(i, i + 50).map((token) => store.saveToken(token)));
    const names = tokens.map((token) => String(token.userName));
    const qualified = `"${schema}"."${table}"`;
    const columns = OFFICIAL_COLUMNS.join(', ');

    const select = `SELECT ${columns} FROM ${qualified} WHERE user_name = $1`;
    const queries = names.map((userSignature) => new OAuthToken({ userSignature }));
    const [rawFind, find] = (await inTurns(
      5,
      [
        ['pg SELECT', (i) => pool.query(select, [names[i % SIZE]])],
        ['findToken', (i) => store.findToken(queries[i % SIZE] as OAuthToken)],
      ],
      { batches: 7 },
    )) as [Measurement, Measurement];

    // The raw upsert writes the same columns by user name in one statement: what a hand-written store would do.
    const updates = tokens.map(
      (token) => new OAuthToken({ userSignature: token.userName, accessToken: zohoLikeToken(), expiresAt: Date.now() }),
    );
    const assignments = OFFICIAL_COLUMNS.slice(2).map((column) => `${column} = COALESCE(EXCLUDED.${column}, ${qualified}.${column})`);
    const upsert = `INSERT INTO ${qualified} (${columns}) VALUES (${OFFICIAL_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
      ON CONFLICT (user_name) DO UPDATE SET ${assignments.join(', ')}`;
    const [rawSave, save] = (await inTurns(
      5,
      [
        [
          'pg upsert',
          (i) => {
            const row = recordToOfficialRow((updates[i % SIZE] as OAuthToken).toRecord(String(tokens[i % SIZE]?.id)));
            return pool.query(
              upsert,
              OFFICIAL_COLUMNS.map((column) => row[column]),
            );
          },
        ],
        ['saveToken', (i) => store.saveToken(updates[i % SIZE] as OAuthToken)],
      ],
      { batches: 5, targetBatchMs: 50 },
    )) as [Measurement, Measurement];

    printComparisons('PostgresStore vs the raw pg pool, 1,000 tokens (median per call, one caller)', [
      { what: 'find by user', subject: find, anchor: rawFind, goal: { maxRatio: 1.3 } },
      { what: 'save (update)', subject: save, anchor: rawSave, goal: { maxRatio: 1.3 } },
    ]);
  } finally {
    await store.close();
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  }
}
