import { after, describe, test } from 'node:test';
import { SQLiteStore, type SQLiteStoreOptions } from 'zoho-token-store/sqlite';
import { testTokenStore } from 'zoho-token-store/testing';
import { tempFolder } from './_sqlite-files.js';

const folder = tempFolder('kit');
after(() => folder.remove());
let files = 0;
const onFile =
  (options: SQLiteStoreOptions = {}) =>
  () =>
    SQLiteStore.open({ path: folder.file(`kit-${(files += 1)}.db`), ...options });
const dispose = (store: SQLiteStore) => store.close();

// The default durability fsyncs every save (a few ms on a shared disk), so the 10,000-token check runs on a file
// with durability 'normal' (same queries, same indexes, no fsync) and the full kit with the default at 1,000.
describe('SQLiteStore on a file (durability full) passes the conformance kit', () => {
  testTokenStore(test, onFile(), { dispose, scale: 1_000 });
});

describe('SQLiteStore on a file (durability normal) holds 10,000 tokens', () => {
  testTokenStore(test, onFile({ durability: 'normal' }), { dispose, only: ['scale.'] });
});

describe('SQLiteStore on :memory: passes the conformance kit', () => {
  testTokenStore(test, () => SQLiteStore.open({ path: ':memory:' }), { dispose });
});
