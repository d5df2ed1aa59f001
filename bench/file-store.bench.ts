import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OAuthToken } from 'zoho-token-store';
import { FileStore } from 'zoho-token-store/file';
import { completeToken, zohoLikeToken } from 'zoho-token-store/testing';
import { officialFileStore, officialToken } from '../test/stores/_official-sdk.js';
import { measure, printComparisons, printFigures, type ComparisonRow, type MeasureOptions } from './harness.js';

const SIZES = [10, 1_000, 10_000];

// The official store re-reads (and on save rewrites) the whole file per call: a few calls per batch are enough.
const slow = (size: number): MeasureOptions =>
  size >= 10_000 ? { batches: 7, perBatch: 3 } : size >= 1_000 ? { batches: 11, perBatch: 10 } : {};

/**
 * FileStore against the official @zohocrm/typescript-sdk-8.0 FileStore on the same file content, at 10 / 1,000 /
 * 10,000 tokens: findToken by user name, and saveToken updating one user's access token (what a refresh does).
 */
export async function benchFileStore(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'zts-bench-file-'));
  const rows: ComparisonRow[] = [];
  try {
    for (const size of SIZES) {
      const ourPath = join(dir, `ours-${size}.txt`);
      const theirPath = join(dir, `theirs-${size}.txt`);
      const tokens = Array.from({ length: size }, () => completeToken());
      const store = new FileStore({ path: ourPath });
      for (let i = 0; i < size; i += 500) await Promise.all(tokens.slice(i, i + 500).map((token) => store.saveToken(token)));
      // Plain values are written as the official SDK writes them, so both stores start from the same bytes.
      copyFileSync(ourPath, theirPath);
      const official = officialFileStore(theirPath);
      const names = tokens.map((token) => String(token.userName));

      const theirFind = await measure(
        'official findToken',
        (i) => official.findToken(officialToken({ userName: names[(i * 7919) % size] })),
        slow(size),
      );
      const ourFind = await measure('FileStore findToken', (i) =>
        store.findToken(new OAuthToken({ userSignature: names[(i * 7919) % size] })),
      );
      rows.push({
        what: `find, ${size} tokens`,
        subject: ourFind,
        anchor: theirFind,
        goal: size === 10_000 ? { minSpeedup: 100 } : undefined,
      });

      const theirSave = await measure(
        'official saveToken (no fsync)',
        (i) => official.saveToken(officialToken({ userName: names[i % size], accessToken: zohoLikeToken() })),
        slow(size),
      );
      const ourSave = await measure(
        'FileStore saveToken (fsync)',
        (i) => store.saveToken(new OAuthToken({ userSignature: names[i % size], accessToken: zohoLikeToken() })),
        slow(size),
      );
      await store.close();
      const unsynced = new FileStore({ path: ourPath, fsync: false });
      const ourFastSave = await measure(
        'FileStore saveToken (fsync: false)',
        (i) => unsynced.saveToken(new OAuthToken({ userSignature: names[i % size], accessToken: zohoLikeToken() })),
        slow(size),
      );
      await unsynced.close();
      rows.push({ what: `save, ${size} tokens`, subject: ourSave, anchor: theirSave });
      rows.push({ what: `save, ${size} tokens`, subject: ourFastSave, anchor: theirSave });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  printComparisons('FileStore vs the official FileStore (@zohocrm/typescript-sdk-8.0), median per call', rows);
  printFigures(
    'FileStore findToken speed-up over the official FileStore',
    rows
      .filter((row) => row.what.startsWith('find'))
      .map((row) => [row.what, `${(row.anchor.medianNs / row.subject.medianNs).toFixed(0)}× faster`] as const),
  );
  printFigures('FileStore durability', [
    [
      'FileStore saveToken (fsync)',
      'default: new file fsynced, renamed over the old one, directory fsynced; a crash keeps the old or new file',
    ],
    ['FileStore saveToken (fsync: false)', 'same atomic rename without fsync: safe against a process crash, not against power loss'],
    ['official saveToken', 'rewrites the file in place, no fsync, no lock: a crash mid-write leaves a short file'],
  ]);
}
