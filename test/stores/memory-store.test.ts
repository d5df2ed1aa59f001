import { test } from 'node:test';
import { MemoryStore } from 'zoho-token-store';
import { testTokenStore } from 'zoho-token-store/testing';

testTokenStore(test, () => new MemoryStore(), { dispose: (store) => store.close() });
