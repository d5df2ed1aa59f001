// Child process for the refresh-lock tests. Usage: node dist/test/stores/_mysql-lock-worker.js <database> <mode> ...
//   hold                      take the lock with a 2 s lease kept alive by its heartbeat, print "locked", then wait
//                             until killed
//   try <waitMs> <holdMs>     take the lock within waitMs; print {"acquired":bool,"elapsedMs":n}; hold it holdMs
//   count <rounds>            take the lock <rounds> times; inside, mark itself a holder in the database, read a
//                             counter, pause, write it + 1 and unmark (a second holder, or a lost update, if two
//                             processes were ever inside at once); print {"rounds":n,"overlaps":n}
import { setTimeout as sleep } from 'node:timers/promises';
import mysql from 'mysql2/promise';
import { MySQLStore } from 'zoho-token-store/mysql';
import { MARIADB } from './_mysql-databases.js';

const [database = '', mode = '', ...args] = process.argv.slice(2);
const KEY = 'token-1';
const store = new MySQLStore({ ...MARIADB, database, connectionLimit: 2 });
const now = (): number => performance.timeOrigin + performance.now();

if (mode === 'hold') {
  const lease = await store.acquireRefreshLock(KEY, { waitMs: 10_000, leaseMs: 2_000, keepAliveMs: 600_000 });
  if (!lease) throw new Error('the holder could not take the lock');
  process.stdout.write('locked\n');
  setInterval(() => undefined, 1_000); // stay alive, holding the lease, until SIGKILL
} else if (mode === 'try') {
  const [waitMs = '1000', holdMs = '0'] = args;
  const started = now();
  const lease = await store.acquireRefreshLock(KEY, { waitMs: Number(waitMs), leaseMs: 60_000 });
  process.stdout.write(JSON.stringify({ acquired: lease !== null, elapsedMs: Math.round(now() - started) }));
  if (lease) {
    await sleep(Number(holdMs));
    await lease.release();
  }
  await store.close();
} else if (mode === 'count') {
  // Overlaps are counted by the database (holders), not by comparing clocks: processes' clocks (performance.timeOrigin)
  // can differ by milliseconds on a loaded machine, more than the gap between one release and the next acquire.
  const rounds = Number(args[0] ?? '5');
  const counter = await mysql.createConnection({ ...MARIADB, database });
  let overlaps = 0;
  for (let i = 0; i < rounds; i += 1) {
    const lease = await store.acquireRefreshLock(KEY, { waitMs: 30_000, leaseMs: 60_000 });
    if (!lease) throw new Error('waited 30 s for the refresh lock');
    await counter.query('UPDATE counter SET holders = holders + 1 WHERE id = 1');
    const [rows] = await counter.query('SELECT value, holders FROM counter WHERE id = 1');
    const [row] = rows as Array<{ value: number; holders: number }>;
    if (Number(row?.holders) !== 1) overlaps += 1;
    await sleep(15);
    await counter.query('UPDATE counter SET value = ?, holders = holders - 1 WHERE id = 1', [Number(row?.value) + 1]);
    await lease.release();
  }
  await counter.end();
  await store.close();
  process.stdout.write(JSON.stringify({ rounds, overlaps }));
} else {
  throw new Error(`unknown mode ${mode}`);
}
