// The store docs/writing-a-store.md builds, run through the whole kit, its lock and close rules included.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { OAuthToken } from 'zoho-token-store';
import { completeToken, testTokenStore } from 'zoho-token-store/testing';
import { JsonFileStore } from './_json-file-store.js';

const dir = mkdtempSync(join(tmpdir(), 'zts-json-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshPath = (): string => join(dir, `tokens-${(files += 1)}.json`);

testTokenStore(test, () => JsonFileStore.open({ path: freshPath() }), {
  scale: 1_000,
  capabilities: { refreshLock: true, close: true },
  dispose: (store) => store.close(),
});

test('a JSON file store keeps its tokens in its file, for the next store that opens it', async () => {
  const path = freshPath();
  const first = await JsonFileStore.open({ path });
  const ada = completeToken();
  await first.saveToken(ada);
  await first.close();
  assert.equal((JSON.parse(readFileSync(path, 'utf8')) as unknown[]).length, 1);
  const second = await JsonFileStore.open({ path });
  assert.equal((await second.findToken(new OAuthToken({ userSignature: ada.userName })))?.refreshToken, ada.refreshToken);
  await second.close();
});

test('the guide shows this store as it is', () => {
  const guide = readFileSync('docs/writing-a-store.md', 'utf8').replace(/\r\n/g, '\n');
  const source = readFileSync('test/kit/_json-file-store.ts', 'utf8').trim();
  const blocks = [...guide.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => (match[1] ?? '').trim());
  assert.ok(blocks.includes(source), 'docs/writing-a-store.md must contain test/kit/_json-file-store.ts as a ts block');
});
