import { test } from 'node:test';
import { ListStore } from 'zoho-token-store';
import { testTokenStore } from 'zoho-token-store/testing';

// The list store scans on every lookup, as the article's does; 10,000 tokens still pass, just not instantly.
testTokenStore(test, () => new ListStore(), { dispose: (store) => store.close() });
