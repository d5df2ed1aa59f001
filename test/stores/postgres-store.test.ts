import { after, describe, test } from 'node:test';
import pg from 'pg';
import { testTokenStore } from 'zoho-token-store/testing';
import { PostgresStore } from 'zoho-token-store/postgres';
import { skipUnless } from '../_services.js';
import { PG_CONNECTION, adminPool, dropSchema, uniqueName } from './_postgres.js';

const skip = await skipUnless('postgres');

describe('PostgresStore: the conformance kit', { skip }, () => {
  const schema = uniqueName('conf');
  const admin = adminPool();
  const tables = new Map<PostgresStore, string>();
  after(async () => {
    await dropSchema(admin, schema);
    await admin.end();
  });

  // Each check gets its own table in this file's schema; the table is dropped when the check ends.
  testTokenStore(
    test,
    () => {
      const table = uniqueName('t');
      const store = new PostgresStore({ connection: { ...PG_CONNECTION, max: 4 }, schema, table });
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

// The same rules on a pool passed in without pipelining: every statement of a write waits for the one before.
describe('PostgresStore: the conformance kit on a pool passed in (no pipelining)', { skip }, () => {
  const schema = uniqueName('confpool');
  const admin = adminPool();
  const pool = new pg.Pool({ ...PG_CONNECTION, max: 4, pipeline: false });
  const tables = new Map<PostgresStore, string>();
  after(async () => {
    await pool.end();
    await dropSchema(admin, schema);
    await admin.end();
  });

  testTokenStore(
    test,
    () => {
      const table = uniqueName('t');
      const store = new PostgresStore({ pool, schema, table });
      tables.set(store, table);
      return store;
    },
    {
      only: ['find', 'save', 'delete', 'list', 'values', 'concurrency'], // the scale check runs above
      dispose: async (store) => {
        await store.close(); // leaves the shared pool open for the next check
        await admin.query(`DROP TABLE IF EXISTS "${schema}"."${tables.get(store)}"`);
        tables.delete(store);
      },
    },
  );
});
