import { after, before, describe, test } from 'node:test';
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
