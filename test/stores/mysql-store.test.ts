import { test } from 'node:test';
import { MySQLStore } from 'zoho-token-store/mysql';
import { testTokenStore } from 'zoho-token-store/testing';
import { skipUnless } from '../_services.js';
import { dropDatabase, MARIADB, uniqueDatabaseName } from './_mysql-databases.js';

const skip = await skipUnless('mariadb');
const databases = new WeakMap<MySQLStore, string>();

// Each check gets a store on its own new database, which the store creates and the test drops.
testTokenStore(
  (name, fn) => test(name, { skip }, fn),
  () => {
    const database = uniqueDatabaseName('kit');
    const store = new MySQLStore({ ...MARIADB, database, createDatabase: true, connectionLimit: 4 });
    databases.set(store, database);
    return store;
  },
  {
    dispose: async (store) => {
      await store.close();
      await dropDatabase(databases.get(store) as string);
    },
  },
);
