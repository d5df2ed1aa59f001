import { MemoryStore, OAuthToken } from 'zoho-token-store';
import { completeToken } from 'zoho-token-store/testing';
import { measurePair, printComparisons, type ComparisonRow } from './harness.js';

/**
 * MemoryStore findToken and saveToken at 10 / 1,000 / 10,000 tokens, beside a bare Map with the same keys; findToken
 * also beside the same lookup through an awaited promise, the floor of any store whose findToken returns a promise
 * (README, "Where a goal is missed").
 */
export async function benchMemoryStore(): Promise<void> {
  const rows: ComparisonRow[] = [];
  for (const size of [10, 1_000, 10_000]) {
    const store = new MemoryStore();
    const map = new Map<string, OAuthToken>();
    const tokens = Array.from({ length: size }, () => completeToken());
    for (const token of tokens) {
      await store.saveToken(token);
      map.set(String(token.userName), token);
    }
    const queries = tokens.map((token) => new OAuthToken({ userSignature: token.userName }));
    const names = tokens.map((token) => String(token.userName));
    let sink = 0;
    const find = await measurePair(
      ['findToken', (i) => store.findToken(queries[i % size] as OAuthToken)],
      [
        'Map.get',
        (i) => {
          if (map.get(names[i % size] as string)) sink += 1;
        },
      ],
    );
    // The contract's floor: the same Map lookup handed out through an awaited promise, as every findToken must be.
    const behindPromise = await measurePair(
      ['findToken', (i) => store.findToken(queries[i % size] as OAuthToken)],
      ['Map.get through a promise', (i) => Promise.resolve(map.get(names[i % size] as string))],
    );
    const updates = tokens.map((token) => new OAuthToken({ userSignature: token.userName, accessToken: token.accessToken }));
    const save = await measurePair(
      ['saveToken', (i) => store.saveToken(updates[i % size] as OAuthToken)],
      ['Map.set', (i) => void map.set(names[i % size] as string, updates[i % size] as OAuthToken)],
    );
    rows.push({ what: `find, ${size} tokens`, ...find, goal: size === 10_000 ? { maxRatio: 5 } : undefined });
    rows.push({ what: `find, ${size} tokens, beside the async floor`, ...behindPromise });
    rows.push({ what: `save, ${size} tokens`, ...save });
    if (sink < 0) console.log(sink);
    await store.close();
  }
  printComparisons('MemoryStore vs a bare Map (median per call)', rows);
}
