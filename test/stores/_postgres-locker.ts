// Child process: takes a PostgresStore refresh lock.
// Usage: node _postgres-locker.js <schema> <table> <key> count <rounds>   (increments a shared counter under the lock)
//        node _postgres-locker.js <schema> <table> <key> hold              (takes the lock with a 2 s lease kept alive by
//                                                                           its heartbeat, prints LOCKED, never releases)
//        node _postgres-locker.js <schema> <table> <key> once <waitMs>     (waits for the lock, prints how long it waited)
import { setTimeout as sleep } from 'node:timers/promises';
import { PostgresStore } from 'zoho-token-store/postgres';
import { PG_CONNECTION, adminPool } from './_postgres.js';

const [schema, table, key, mode, arg] = process.argv.slice(2);
/** The lease of a holding process: its heartbeat keeps it while the process lives; a dead one frees it this soon. */
const HOLD_LEASE_MS = 2_000;
const store = new PostgresStore({ connection: { ...PG_CONNECTION, max: 2 }, schema, table });

if (mode === 'hold') {
  const lease = await store.acquireRefreshLock(String(key), { waitMs: 10_000, leaseMs: HOLD_LEASE_MS, keepAliveMs: 600_000 });
  if (!lease) throw new Error('could not take the lock');
  console.log('LOCKED');
  setInterval(() => undefined, 60_000); // keep the session open until the parent kills this process
} else if (mode === 'once') {
  const started = Date.now();
  const lease = await store.acquireRefreshLock(String(key), { waitMs: Number(arg), leaseMs: 60_000 });
  const waited = Date.now() - started;
  if (lease) await lease.release();
  console.log(JSON.stringify({ locked: lease !== null, waited }));
  await store.close();
} else if (mode === 'count') {
  // Read, pause, write back +1: without mutual exclusion two holders read the same value and an increment is lost.
  const admin = adminPool();
  const counter = `"${schema}"."counter"`;
  for (let round = 0; round < Number(arg); round += 1) {
    const lease = await store.acquireRefreshLock(String(key), { waitMs: 60_000, leaseMs: 60_000 });
    if (!lease) throw new Error('waited 60 s for the lock');
    const value = (await admin.query(`SELECT n FROM ${counter}`)).rows[0].n as number;
    await sleep(3);
    await admin.query(`UPDATE ${counter} SET n = $1`, [value + 1]);
    await lease.release();
  }
  await admin.end();
  await store.close();
} else {
  throw new Error(`unknown mode ${mode}`);
}
