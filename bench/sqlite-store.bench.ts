import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { OAuthToken, recordToOfficialRow, OFFICIAL_COLUMNS } from 'zoho-token-store';
import { SQLiteStore, type SQLiteDurability } from 'zoho-token-store/sqlite';
import { completeToken } from 'zoho-token-store/testing';
import { formatNs, measure, printComparisons, printFigures, type ComparisonRow, type Measurement } from './harness.js';

const FIND_GOAL_NS = 20_000;
const ROUNDS = 3;

/**
 * Measures subject and anchor alternately, `ROUNDS` times, and keeps each one's lowest median: on a machine shared
 * with other work, a burst of load during one measurement would otherwise decide the ratio.
 */
async function bestOfRounds(anchor: () => Promise<Measurement>, subject: () => Promise<Measurement>): Promise<[Measurement, Measurement]> {
  let best: [Measurement, Measurement] | null = null;
  for (let round = 0; round < ROUNDS; round += 1) {
    const a = await anchor();
    const s = await subject();
    best = best === null ? [a, s] : [a.medianNs < best[0].medianNs ? a : best[0], s.medianNs < best[1].medianNs ? s : best[1]];
  }
  return best as [Measurement, Measurement];
}

/**
 * SQLiteStore findToken and saveToken at 10 / 1,000 / 10,000 rows, beside better-sqlite3 used directly on the
 * same file in the same run: a prepared `SELECT … WHERE user_name = ?` (raw mode, rows as arrays, as the store
 * reads them) and a prepared upsert on user_name, with
 * the same connection settings (WAL, and the durability named in each row).
 */
export async function benchSQLiteStore(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'zts-sqlite-bench-'));
  const rows: ComparisonRow[] = [];
  const figures: Array<[string, string]> = [];
  try {
    for (const size of [10, 1_000, 10_000]) {
      for (const durability of ['full', 'normal'] as const) {
        if (durability === 'normal' && size !== 10_000) continue;
        await benchOne(join(dir, `bench-${size}-${durability}.db`), size, durability, rows, figures);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  printComparisons('SQLiteStore vs better-sqlite3 prepared statements on the same file (median per call)', rows);
  printFigures('SQLiteStore goals', figures);
}

async function benchOne(
  path: string,
  size: number,
  durability: SQLiteDurability,
  rows: ComparisonRow[],
  figures: Array<[string, string]>,
): Promise<void> {
  const store = await SQLiteStore.open({ path, durability });
  const tokens = Array.from({ length: size }, () => completeToken());
  // Fill through a raw connection in one transaction (saving 10,000 tokens one fsync at a time takes a minute).
  const raw = new Database(path);
  raw.pragma(`synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`);
  const insert = raw.prepare(`INSERT INTO oauthtoken (${OFFICIAL_COLUMNS.join(', ')}) VALUES (${OFFICIAL_COLUMNS.map(() => '?').join(', ')})`);
  raw.transaction(() => {
    tokens.forEach((token, i) => {
      const row = recordToOfficialRow(token.toRecord(String(i + 1)));
      insert.run(...OFFICIAL_COLUMNS.map((column) => row[column]));
    });
  })();

  const names = tokens.map((token) => String(token.userName));
  const queries = tokens.map((token) => new OAuthToken({ userSignature: token.userName }));
  const select = raw.prepare(`SELECT ${OFFICIAL_COLUMNS.join(', ')} FROM oauthtoken WHERE user_name = ?`).raw(true);
  let sink = 0;
  const [rawFind, find] = await bestOfRounds(
    () => measure('prepared SELECT', (i) => {
      if (select.get(names[i % size])) sink += 1;
    }),
    () => measure('findToken', (i) => store.findToken(queries[i % size] as OAuthToken)),
  );

  const upsert = raw.prepare(
    'INSERT INTO oauthtoken (id, user_name, access_token, expiry_time) VALUES (?, ?, ?, ?) ' +
      'ON CONFLICT (user_name) DO UPDATE SET access_token = excluded.access_token, expiry_time = excluded.expiry_time',
  );
  const batch = durability === 'full' ? { perBatch: 5, batches: 15 } : {};
  const [rawSave, save] = await bestOfRounds(
    () => measure('prepared upsert', (i) => {
      upsert.run(String(size + 1 + i), names[i % size], `1000.raw.${i}`, String(Date.now() + 3_600_000));
    }, batch),
    () => measure('saveToken', (i) =>
      store.saveToken(new OAuthToken({ userSignature: names[i % size], accessToken: `1000.store.${i}`, expiresAt: Date.now() + 3_600_000 })),
    batch),
  );
  rows.push({ what: `find, ${size} rows (${durability})`, subject: find, anchor: rawFind, goal: { maxRatio: 3 } });
  // One statement against BEGIN IMMEDIATE, a lookup, an update and COMMIT: close with an fsync per commit, about
  // 2-3× without one; a goal only for the default durability.
  rows.push({ what: `save, ${size} rows (${durability})`, subject: save, anchor: rawSave, goal: durability === 'full' ? { maxRatio: 2 } : undefined });
  if (size === 10_000 && durability === 'full') {
    figures.push([
      'findToken median at 10,000 rows',
      `${formatNs(find.medianNs)} (${find.medianNs < FIND_GOAL_NS ? 'ok' : 'MISSED'}, goal < ${formatNs(FIND_GOAL_NS)}; ` +
        `the prepared SELECT alone took ${formatNs(rawFind.medianNs)} in this run)`,
    ]);
  }
  if (size === 10_000) {
    figures.push([`saveToken median at 10,000 rows, durability ${durability}`, formatNs(save.medianNs)]);
  }
  if (sink < 0) console.log(sink);
  raw.close();
  await store.close();
}
