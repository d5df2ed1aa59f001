import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import mysqlPromise from 'mysql2/promise';
import { MySQLStore } from 'zoho-token-store/mysql';
import { skipUnless } from '../_services.js';
import { createDatabase, dropDatabase, MARIADB, uniqueDatabaseName } from './_mysql-databases.js';

const skip = await skipUnless('mariadb');

/** A pool whose every session runs `SET time_zone = zone` first (as an ORM sharing the pool might). */
function poolInZone(database: string, zone: string): mysqlPromise.Pool {
  const pool = mysqlPromise.createPool({ ...MARIADB, database, connectionLimit: 8 });
  // Queued on the new connection before any statement the store sends on it.
  pool.pool.on('connection', (connection) => void connection.promise().query('SET time_zone = ?', [zone]));
  return pool;
}

// Two stores on one table whose sessions are 9 hours apart. The lease end must not depend on the session's zone:
// with NOW(6) the store ahead sees a live lease of the other as over (two holders), and the store behind sees a
// short lease of the other as lasting 9 hours more (a dead holder blocks it for hours).
describe('MySQLStore refresh lock across sessions in different time zones', { skip }, () => {
  const database = uniqueDatabaseName('tz');
  const pools: mysqlPromise.Pool[] = [];
  let behind: MySQLStore; // sessions at -04:00
  let ahead: MySQLStore; // sessions at +05:00

  before(async () => {
    await createDatabase(database);
    pools.push(poolInZone(database, '-04:00'), poolInZone(database, '+05:00'));
    behind = await MySQLStore.open({ pool: pools[0] as mysqlPromise.Pool, table: 'tokens' });
    ahead = await MySQLStore.open({ pool: pools[1] as mysqlPromise.Pool, table: 'tokens' });
    // The pools really do differ: the sessions' clocks read 9 hours apart.
    const [[early]] = (await (pools[0] as mysqlPromise.Pool).query('SELECT NOW() AS at')) as unknown as [[{ at: Date }]];
    const [[late]] = (await (pools[1] as mysqlPromise.Pool).query('SELECT NOW() AS at')) as unknown as [[{ at: Date }]];
    assert.ok(Math.abs(late.at.getTime() - early.at.getTime() - 9 * 3_600_000) < 60_000, 'the two pools are 9 hours apart');
  });

  after(async () => {
    await behind?.close();
    await ahead?.close();
    for (const pool of pools) await pool.end();
    await dropDatabase(database);
  });

  for (const [first, second] of [
    ['behind', 'ahead'],
    ['ahead', 'behind'],
  ] as const) {
    test(`a live lease taken by the store ${first} excludes the store ${second}`, async () => {
      const stores = { behind, ahead };
      const key = `live-${first}`;
      const held = await stores[first].acquireRefreshLock(key, { waitMs: 1_000, leaseMs: 30_000, keepAliveMs: 0 });
      assert.ok(held);
      try {
        assert.equal(await stores[second].acquireRefreshLock(key, { waitMs: 300, leaseMs: 30_000, keepAliveMs: 0 }), null);
      } finally {
        await held.release();
      }
      const next = await stores[second].acquireRefreshLock(key, { waitMs: 1_000, leaseMs: 30_000, keepAliveMs: 0 });
      assert.ok(next, 'free once released');
      await next.release();
    });

    test(`a lease the store ${first} let run out (never released) is taken by the store ${second} within seconds`, async () => {
      const stores = { behind, ahead };
      const key = `expired-${first}`;
      const abandoned = await stores[first].acquireRefreshLock(key, { waitMs: 1_000, leaseMs: 500, keepAliveMs: 0 });
      assert.ok(abandoned);
      const started = Date.now();
      const taken = await stores[second].acquireRefreshLock(key, { waitMs: 5_000, leaseMs: 30_000, keepAliveMs: 0 });
      assert.ok(taken, 'the lease ended after 500 ms, not hours later');
      assert.ok(Date.now() - started < 5_000);
      try {
        await abandoned.release(); // late: its lease is over, so this must leave the new holder's lock alone
        assert.equal(await stores[first].acquireRefreshLock(key, { waitMs: 300, leaseMs: 30_000, keepAliveMs: 0 }), null);
      } finally {
        await taken.release();
      }
    });
  }
});
