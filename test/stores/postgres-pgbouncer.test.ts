// The whole PostgreSQL store through PgBouncer in transaction pooling mode, where consecutive transactions of one
// client may run on different server sessions: the conformance kit, opening (schema and table creation), writes
// from many processes, and the CLI's migrate into it. (4 processes refreshing through it: test/integration.)
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PostgresStore } from 'zoho-token-store/postgres';
import { completeToken, testTokenStore } from 'zoho-token-store/testing';
import { pgbouncerMissing, startPgBouncer, type PgBouncer } from '../_pgbouncer.js';
import { runWorkers } from '../_processes.js';
import { skipUnless } from '../_services.js';
import { officialFile, officialRow, zoho } from '../cli/_cli.js';
import { PG_CONNECTION, adminPool, countRows, dropSchema, uniqueName } from './_postgres.js';

const missing = pgbouncerMissing();
const skip = (await skipUnless('postgres')) || (missing !== null ? `${missing}; SKIPPED` : false);
const SAVER = 'dist/test/stores/_postgres-saver.js';

describe('PostgresStore through PgBouncer (transaction mode)', { skip }, () => {
  let bouncer: PgBouncer;
  const schema = uniqueName('bouncer');
  const admin = adminPool();
  const tables = new Map<PostgresStore, string>();
  const throughBouncer = () => ({ ...PG_CONNECTION, port: bouncer.port });
  before(async () => {
    bouncer = await startPgBouncer();
  });
  after(async () => {
    await bouncer?.stop();
    await dropSchema(admin, schema);
    await admin.end();
  });

  describe('the conformance kit', () => {
    testTokenStore(
      test,
      () => {
        const table = uniqueName('t');
        const store = new PostgresStore({ connection: { ...throughBouncer(), max: 4 }, schema, table });
        tables.set(store, table);
        return store;
      },
      {
        dispose: async (store) => {
          await store.close();
          await admin.query(`DROP TABLE IF EXISTS "${schema}"."${tables.get(store)}"`);
          tables.delete(store);
        },
      },
    );
  });

  test('open creates a missing schema and table, and a second store opens them as they are', async () => {
    const ownSchema = uniqueName('bopen');
    try {
      const stores = await Promise.all(
        Array.from({ length: 4 }, () =>
          PostgresStore.open({ connection: { ...throughBouncer(), max: 2 }, schema: ownSchema, table: 'oauthtoken' }),
        ),
      );
      const token = completeToken({ userSignature: 'open@example.com' });
      await stores[0]?.saveToken(token);
      for (const store of stores) assert.equal((await store.getTokens()).length, 1);
      await Promise.all(stores.map((store) => store.close()));
      assert.equal(await countRows(admin, ownSchema, 'oauthtoken'), 1);
    } finally {
      await dropSchema(admin, ownSchema);
    }
  });

  test('8 processes × 50 saves of distinct users through the pooler leave 400 rows with ids 1..400', async () => {
    const table = uniqueName('t');
    const results = await runWorkers(SAVER, 8, (i) => [schema, table, '50', `p${i}`, String(bouncer.port)]);
    assert.equal(await countRows(admin, schema, table), 400);
    assert.equal(new Set(results.flatMap((result) => JSON.parse(result.stdout) as string[])).size, 400);
    const ids = (await admin.query(`SELECT id FROM "${schema}"."${table}"`)).rows.map((row: { id: string }) => Number(row.id));
    assert.deepEqual(
      ids.sort((a, b) => a - b),
      Array.from({ length: 400 }, (_, i) => i + 1),
    );
  });

  test('zoho-tokens migrate copies a token file into a store reached through the pooler, and a rerun changes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zts-bouncer-migrate-'));
    const table = uniqueName('m');
    try {
      writeFileSync(join(dir, 'sdk_tokens.txt'), officialFile(Array.from({ length: 30 }, (_, i) => officialRow(i + 1))));
      const to = `postgres://postgres@127.0.0.1:${bouncer.port}/test?schema=${schema}&table=${table}`;
      const first = await zoho(['migrate', '--from', 'file:./sdk_tokens.txt', '--to', to], { cwd: dir });
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /^copied 30, updated 0, skipped 0, failed 0$/m);
      const second = await zoho(['migrate', '--from', 'file:./sdk_tokens.txt', '--to', to], { cwd: dir });
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stdout, /^copied 0, updated 0, skipped 30, failed 0$/m);
      assert.equal(await countRows(admin, schema, table), 30);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
