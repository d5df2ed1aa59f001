import { test } from 'node:test';
import { FileStore } from 'zoho-token-store/file';
import { testTokenStore } from 'zoho-token-store/testing';
import { tempDir } from './_file-temp.js';

// Each check gets a new file in its own temporary directory, removed afterwards.
const dirs = new WeakMap<FileStore, () => void>();
testTokenStore(
  test,
  () => {
    const dir = tempDir();
    const store = new FileStore({ path: dir.file() });
    dirs.set(store, dir.remove);
    return store;
  },
  {
    dispose: async (store) => {
      await store.close();
      dirs.get(store)?.();
    },
  },
);
