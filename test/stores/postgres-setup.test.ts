import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { inspect } from 'node:util';
import { OAuthToken } from 'zoho-token-store';
import type { TokenRecord } from 'zoho-token-store/kernel';
import { PostgresStore } from 'zoho-token-store/postgres';
import { completeToken } from 'zoho-token-store/testing';
import { PostgresBackend } from '../../src/stores/postgres/postgres-backend.js';
import { resolvePostgresOptions } from '../../src/stores/postgres/postgres-options.js';
import { skipUnless } from '../_services.js';
import { PG_CONNECTION, adminPool, countRows, dropSchema, uniqueName } from './_postgres.js';

const skip = await skipUnless('postgres');

const hasCode = (code: string) => (error: { code?: string; message?: string }) => {
  assert.equal(error.code, code, error.message);
  return true;
};

describe('PostgresStore options', () => {
  test('names that are not plain identifiers are refused before anything opens', () => {
    for (const name of ['oauth"token', 'a b', '1table', 'x;drop table y', '', 'é', 'a'.repeat(64)]) {
      assert.throws(() => new PostgresStore({ table: name }), hasCode('INVALID_CONFIG'));
      assert.throws(() => new PostgresStore({ schema: name }), hasCode('INVALID_CONFIG'));
    }
  });

  test('pool and connection are checked', () => {
    assert.throws(() => new PostgresStore({ pool: {} as never }), hasCode('INVALID_CONFIG'));
    assert.throws(() => new PostgresStore({ connection: 42 as never }), hasCode('INVALID_CONFIG'));
    assert.throws(() => new PostgresStore({ connection: ' ' }), hasCode('INVALID_CONFIG'));
    const pool = { query: async () => ({ rows: [], rowCount: 0 }), connect: async () => null as never, on: () => undefined } as never;
    assert.throws(() => new PostgresStore({ pool, connection: 'postgres://localhost/x' }), hasCode('INVALID_CONFIG'));
  });
});

describe('PostgresStore setup and failures', { skip }, () => {
  const schema = uniqueName('setup');
  const admin = adminPool();
  const connection = { ...PG_CONNECTION, max: 2 };
  after(async () => {
    await dropSchema(admin, schema);
    await admin.end();
  });

  test('creates the schema, the official table, the unique user index and the token indexes', async () => {
    const table = uniqueName('t');
    const store = await PostgresStore.open({ connection, schema, table });
    await store.close();
    const columns = await admin.query(
      'SELECT column_name, data_type, character_maximum_length FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position',
      [schema, table],
    );
    assert.deepEqual(
      columns.rows.map((row) => row.column_name),
      [
        'id',
        'user_name',
        'client_id',
        'client_secret',
        'refresh_token',
        'access_token',
        'grant_token',
        'expiry_time',
        'redirect_url',
        'api_domain',
      ],
    );
    assert.equal(columns.rows[0].character_maximum_length, 10, 'id is the official varchar(10)');
    const indexes = (
      await admin.query('SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = $2', [schema, table])
    ).rows.map((row) => String(row.indexdef));
    assert.ok(
      indexes.some((def) => def.startsWith('CREATE UNIQUE INDEX') && def.endsWith('(user_name)')),
      'unique index on user_name',
    );
    for (const column of ['access_token', 'refresh_token', 'grant_token']) {
      assert.ok(
        indexes.some((def) => def.endsWith(`(${column})`)),
        `index on ${column}`,
      );
    }
  });

  test('an existing official table is used as it is, and new ids continue from its largest', async () => {
    const table = uniqueName('t');
    await admin.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    // The official MySQL definition, typed for PostgreSQL.
    await admin.query(`CREATE TABLE "${schema}"."${table}" (id varchar(10) NOT NULL, user_name varchar(255), client_id varchar(255),
      client_secret varchar(255), refresh_token varchar(255), access_token varchar(255), grant_token varchar(255),
      expiry_time varchar(20), redirect_url varchar(255), api_domain varchar(255), primary key (id))`);
    await admin.query(
      `INSERT INTO "${schema}"."${table}" (id, user_name, refresh_token, client_id, client_secret, expiry_time) VALUES ('41', 'old@example.com', 'r', 'c', 's', '1700000000000')`,
    );
    const store = await PostgresStore.open({ connection, schema, table });
    try {
      const old = await store.findToken(new OAuthToken({ userSignature: 'old@example.com' }));
      assert.equal(old?.id, '41');
      assert.equal(old?.expiresAt, 1_700_000_000_000);
      const fresh = completeToken();
      await store.saveToken(fresh);
      assert.equal(fresh.id, '42');
    } finally {
      await store.close();
    }
  });

  test('a table without the official columns is refused with STORE_CORRUPT and left alone', async () => {
    const table = uniqueName('t');
    await admin.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await admin.query(`CREATE TABLE "${schema}"."${table}" (id int, name text)`);
    await assert.rejects(PostgresStore.open({ connection, schema, table }), hasCode('STORE_CORRUPT'));
    assert.equal(await countRows(admin, schema, table), 0);
  });

  test('a write that fails part-way leaves nothing behind', async () => {
    const table = uniqueName('t');
    const backend = new PostgresBackend(resolvePostgresOptions({ connection, schema, table }));
    try {
      const record = (id: string): TokenRecord => completeToken().toRecord(id);
      await assert.rejects(
        backend.write(async (writer) => {
          await writer.insert(record(String(await writer.nextId())));
          await writer.insert(record('12345678901')); // longer than varchar(10): the server refuses it
        }),
      );
      await assert.rejects(
        backend.write(async (writer) => {
          await writer.insert(record('7'));
          throw new Error('the work failed');
        }),
        /the work failed/,
      );
      assert.equal(await countRows(admin, schema, table), 0);
      const stored = record('5');
      await backend.write(async (writer) => writer.insert(stored));
      assert.deepEqual(await backend.findBy('id', '5'), stored);
    } finally {
      await backend.close();
    }
  });

  test('an unknown role gives STORE_ACCESS_DENIED, and no message names the password', async () => {
    const password = 'pw-not-to-be-printed-5e3f';
    const store = new PostgresStore({ connection: `postgres://${uniqueName('nobody')}:${password}@127.0.0.1:5432/test`, schema });
    try {
      const error = await store.getTokens().then(
        () => assert.fail('getTokens must fail'),
        (caught: unknown) => caught as Error & { code: string },
      );
      assert.equal(error.code, 'STORE_ACCESS_DENIED', error.message);
      for (const text of [error.message, String(error), JSON.stringify(error), inspect(error, { depth: 0 })]) {
        assert.ok(!text.includes(password), 'the password must not appear');
      }
    } finally {
      await store.close();
    }
  });

  test('a role without privileges gives STORE_ACCESS_DENIED', async () => {
    const role = uniqueName('role');
    const table = uniqueName('t');
    await (await PostgresStore.open({ connection, schema, table })).close();
    await admin.query(`CREATE ROLE "${role}" LOGIN`);
    try {
      const asRole = { ...PG_CONNECTION, user: role, max: 1 };
      const onTable = new PostgresStore({ connection: asRole, schema, table });
      await assert.rejects(onTable.getTokens(), hasCode('STORE_ACCESS_DENIED'));
      await onTable.close();
      const newSchema = new PostgresStore({ connection: asRole, schema: uniqueName('denied'), table });
      await assert.rejects(newSchema.saveToken(completeToken()), hasCode('STORE_ACCESS_DENIED'));
      await newSchema.close();
    } finally {
      await admin.query(`DROP ROLE "${role}"`);
    }
  });

  test('a database that does not exist gives INVALID_CONFIG', async () => {
    const store = new PostgresStore({ connection: { ...PG_CONNECTION, database: uniqueName('nodb') }, schema });
    await assert.rejects(store.ready(), hasCode('INVALID_CONFIG'));
    await store.close();
  });

  test('after close(): STORE_CLOSED, and close() twice is safe', async () => {
    const store = await PostgresStore.open({ connection, schema, table: uniqueName('t') });
    await store.close();
    await store.close();
    await assert.rejects(store.getTokens(), hasCode('STORE_CLOSED'));
    await assert.rejects(store.ready(), hasCode('STORE_CLOSED'));
  });
});
