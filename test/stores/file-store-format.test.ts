// The file format's edges: damaged files, line ends, permissions, stray temporary files, and the snapshot cache.
import assert from 'node:assert/strict';
import { lstatSync, readFileSync, readdirSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import fsPromises from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { after, describe, test } from 'node:test';
import { ErrorCode, OAuthToken, TokenArgumentError, TokenStoreError } from 'zoho-token-store';
import { FileStore, parseTokenFile } from 'zoho-token-store/file';
import { completeToken } from 'zoho-token-store/testing';
import { tempDir } from './_file-temp.js';

const dir = tempDir('format');
after(() => dir.remove());
let files = 0;
const newFile = (content?: string | Buffer): string => {
  const path = dir.file(`tokens-${(files += 1)}.txt`);
  if (content !== undefined) writeFileSync(path, content);
  return path;
};

const HEADER = 'id,user_mail,client_id,client_secret,refresh_token,access_token,grant_token,expiry_time,redirect_url,api_domain';
const SECRET = '1000.secretvalue.thatmustnotleak';

/** Counts the times `path` is opened through node:fs/promises (what the store reads with). */
function countOpens(path: string): { readonly count: number; restore(): void } {
  const original = fsPromises.open;
  const counter = { count: 0, restore: () => undefined as undefined };
  fsPromises.open = ((file: Parameters<typeof original>[0], ...rest: unknown[]) => {
    if (file === path) counter.count += 1;
    return (original as (...args: unknown[]) => ReturnType<typeof original>)(file, ...rest);
  }) as typeof original;
  syncBuiltinESMExports();
  counter.restore = () => {
    fsPromises.open = original;
    syncBuiltinESMExports();
  };
  return counter;
}

async function expectCorrupt(content: string | Buffer, hint: RegExp): Promise<void> {
  const path = newFile(content);
  const before = readFileSync(path);
  const store = new FileStore({ path });
  for (const call of [
    () => store.getTokens(),
    () => store.findToken(new OAuthToken({ userSignature: 'ada@example.com' })),
    () => store.saveToken(completeToken()),
    () => store.deleteTokens(),
  ]) {
    await assert.rejects(call(), (error: unknown) => {
      assert.ok(error instanceof TokenStoreError);
      assert.equal(error.code, ErrorCode.STORE_CORRUPT);
      assert.match(error.message, hint);
      assert.ok(!error.message.includes(SECRET), 'the message must not quote the file');
      return true;
    });
  }
  assert.deepEqual(readFileSync(path), before, 'a damaged file is never overwritten');
  await store.close();
}

describe('a damaged file gives STORE_CORRUPT and is left as it is', () => {
  test('a truncated last row (a crash of a writer that rewrites in place)', () =>
    expectCorrupt(`${HEADER}\n1,ada@example.com,c,s,${SECRET},a,,1,,x\n2,bob@example.com,c,s,${SECRET}`, /line 3 has 5 columns/));
  test('a value with an unquoted comma (written by the official SDK)', () =>
    expectCorrupt(`${HEADER}\n1,ada@example.com,c,s,${SECRET},a,b,,1,,x`, /line 2 has 11 columns.*unquoted comma/));
  test('a first line that is not the header', () => expectCorrupt(`1,ada@example.com,c,s,${SECRET},a,,1,,x`, /line 1 is not the header/));
  test('bytes that are not UTF-8', () => expectCorrupt(Buffer.from([0x69, 0x64, 0xff, 0xfe, 0x0a]), /not UTF-8/));
  test('NUL bytes', () => expectCorrupt(Buffer.concat([Buffer.from(`${HEADER}\n`), Buffer.alloc(64)]), /NUL/));
  test('two rows with one id', () =>
    expectCorrupt(`${HEADER}\n1,ada@example.com,c,s,r,a,,,,\n1,bob@example.com,c,s,r,a,,,,`, /lines 2 and 3 have the same id "1"/));
  test('a row without an id', () => expectCorrupt(`${HEADER}\n,ada@example.com,c,s,r,a,,,,`, /line 2 has no id/));
});

describe('files the official SDKs and editors produce', () => {
  test('an empty file is an empty store, and the first save writes the header', async () => {
    const path = newFile('');
    const store = new FileStore({ path });
    assert.deepEqual(await store.getTokens(), []);
    await store.saveToken(new OAuthToken({ userSignature: 'ada@example.com', accessToken: 'a' }));
    assert.equal(readFileSync(path, 'utf8'), `${HEADER}\n1,ada@example.com,,,,a,,,,`);
    await store.close();
  });

  test('a missing file is an empty store; the file is created by the first save with mode 0600', async () => {
    const path = newFile();
    const store = new FileStore({ path });
    assert.equal(await store.findToken(new OAuthToken({ userSignature: 'ada@example.com' })), null);
    await store.saveToken(new OAuthToken({ userSignature: 'ada@example.com', accessToken: 'a' }));
    assert.equal(statSync(path).mode & 0o777, 0o600);
    await store.close();
  });

  test('CRLF line ends, a byte-order mark, blank lines and header labels of other SDKs are read', async () => {
    const header = 'ID, user_name ,client_id,client_secret,refresh_token,access_token,grant_token,expiry_time,redirect_uri,api_domain';
    const path = newFile(`\uFEFF${header}\r\n1,ada@example.com,c,s,r,a,,5,,d\r\n\r\n   \n2,bob@example.com,c,s,r,"x\r\ny",,,,\r\n`);
    const store = new FileStore({ path });
    const tokens = await store.getTokens();
    assert.deepEqual(
      tokens.map((token) => [token.id, token.userName, token.accessToken, token.expiresAt]),
      [
        ['1', 'ada@example.com', 'a', 5],
        ['2', 'bob@example.com', 'x\r\ny', null],
      ],
    );
    // A write keeps the file's own header labels.
    await store.deleteToken('1');
    assert.equal(readFileSync(path, 'utf8'), `${header}\n2,bob@example.com,c,s,r,"x\r\ny",,,,`);
    await store.close();
  });

  test('parseTokenFile reports the header it will write back', () => {
    const content = parseTokenFile(Buffer.from(`${HEADER}\n3,u,,,,a,,,,`), 'memory');
    assert.equal(content.header.join(','), HEADER);
    assert.equal(content.records[0]?.id, '3');
  });
});

describe('writes', () => {
  test('the file written replaces the old one by rename (new inode) and keeps mode 0600 over a 0644 file', async () => {
    const path = newFile(`${HEADER}\n1,ada@example.com,c,s,r,a,,,,`);
    const before = statSync(path);
    const store = new FileStore({ path });
    await store.saveToken(new OAuthToken({ userSignature: 'ada@example.com', accessToken: 'a2' }));
    const afterWrite = statSync(path);
    assert.notEqual(afterWrite.ino, before.ino);
    assert.equal(afterWrite.mode & 0o777, 0o600);
    await store.close();
  });

  test('a symlinked token file stays a symlink; the file it points to is replaced', async () => {
    const real = newFile(`${HEADER}\n1,ada@example.com,c,s,r,a1,,,,`);
    const link = dir.file(`link-${files}.txt`);
    symlinkSync(real, link);
    const store = new FileStore({ path: link });
    await store.saveToken(new OAuthToken({ userSignature: 'ada@example.com', accessToken: 'a2' }));
    assert.ok(lstatSync(link).isSymbolicLink());
    assert.equal(readFileSync(real, 'utf8'), `${HEADER}\n1,ada@example.com,c,s,r,a2,,,,`);
    assert.equal((await store.findToken(new OAuthToken({ userSignature: 'ada@example.com' })))?.accessToken, 'a2');
    await store.close();
  });

  test('temporary files left by a killed writer are removed by the next writer; live ones are kept', async () => {
    const path = newFile();
    const name = path.split('/').pop() as string;
    const dead = dir.file(`.${name}.999999999.abcdef.tmp`);
    const live = dir.file(`.${name}.${process.pid}.abcdef.tmp`);
    writeFileSync(dead, 'partial');
    writeFileSync(live, 'mine');
    const store = new FileStore({ path });
    await store.saveToken(completeToken());
    const left = readdirSync(dir.path).filter((file) => file.startsWith(`.${name}.`));
    assert.deepEqual(left, [`.${name}.${process.pid}.abcdef.tmp`]);
    await store.close();
  });

  test('a file in a missing directory gives INVALID_CONFIG saying to create it', async () => {
    const store = new FileStore({ path: dir.file('missing/dir/tokens.txt') });
    await assert.rejects(store.saveToken(completeToken()), (error: TokenStoreError) => {
      assert.equal(error.code, ErrorCode.INVALID_CONFIG);
      assert.match(error.message, /does not exist/);
      return true;
    });
    await store.close();
  });

  test('invalid options are INVALID_CONFIG, before anything is touched', () => {
    for (const options of [{ path: '' }, { lockStaleMs: 100 }, { fsync: 'yes' }, { mode: 0o1000 }, { lockWaitMs: -1 }]) {
      assert.throws(
        () => new FileStore(options as never),
        (error: unknown) => error instanceof TokenArgumentError && error.code === ErrorCode.INVALID_CONFIG,
      );
    }
  });

  test('after close every method rejects with STORE_CLOSED; close twice is fine', async () => {
    const store = new FileStore({ path: newFile() });
    await store.close();
    await store.close();
    await assert.rejects(store.getTokens(), { code: ErrorCode.STORE_CLOSED });
  });
});

describe('a writer that takes no lock (the official SDK)', () => {
  test('a change landing between our read and our rename is not overwritten: the batch runs again on it', async () => {
    const path = newFile(`${HEADER}\n1,ada@example.com,c,s,r,a1,,,,`);
    const store = new FileStore({ path });
    await store.getTokens();
    // The official SDK rewrites the file in place right after FileStore read it for a save.
    const original = fsPromises.stat;
    let calls = 0;
    fsPromises.stat = (async (...args: Parameters<typeof original>) => {
      if (args[0] === path && (calls += 1) === 2)
        writeFileSync(path, `${HEADER}\n1,ada@example.com,c,s,r,a1,,,,\n2,official@example.com,c,s,r,a2,,,,`);
      return original(...args);
    }) as typeof original;
    syncBuiltinESMExports();
    try {
      await store.saveToken(new OAuthToken({ userSignature: 'bob@example.com', accessToken: 'b1' }));
    } finally {
      fsPromises.stat = original;
      syncBuiltinESMExports();
    }
    assert.ok(calls >= 3, 'the file was checked again before the rename');
    const users = (await store.getTokens()).map((token) => [token.id, token.userName]);
    assert.deepEqual(users, [
      ['1', 'ada@example.com'],
      ['2', 'official@example.com'],
      ['3', 'bob@example.com'],
    ]);
    await store.close();
  });
});

describe('the snapshot cache', () => {
  test('a change by another writer is seen by the next lookup (new inode, or same inode with new mtime or size)', async () => {
    const path = newFile(`${HEADER}\n1,ada@example.com,c,s,r,a1,,,,`);
    const store = new FileStore({ path });
    assert.equal((await store.findToken(new OAuthToken({ userSignature: 'ada@example.com' })))?.accessToken, 'a1');
    // In place, same size, as the official SDK rewrites a refreshed token; the mtime is set apart explicitly.
    writeFileSync(path, `${HEADER}\n1,ada@example.com,c,s,r,a2,,,,`);
    const later = new Date(Date.now() + 5_000);
    utimesSync(path, later, later);
    assert.equal((await store.findToken(new OAuthToken({ userSignature: 'ada@example.com' })))?.accessToken, 'a2');
    // A second store instance writing by rename.
    const other = new FileStore({ path });
    await other.saveToken(new OAuthToken({ userSignature: 'ada@example.com', accessToken: 'a3' }));
    assert.equal((await store.findToken(new OAuthToken({ userSignature: 'ada@example.com' })))?.accessToken, 'a3');
    await other.close();
    await store.close();
  });

  test('a same-size in-place rewrite within the file time tick is still seen once the racy window has passed', async () => {
    const path = newFile(`${HEADER}\n1,ada@example.com,c,s,r,a1,,,,`);
    const store = new FileStore({ path });
    const stamp = new Date(Date.now());
    utimesSync(path, stamp, stamp);
    assert.equal((await store.findToken(new OAuthToken({ userSignature: 'ada@example.com' })))?.accessToken, 'a1');
    writeFileSync(path, `${HEADER}\n1,ada@example.com,c,s,r,a2,,,,`);
    utimesSync(path, stamp, stamp); // same size, same mtime: only ctime may differ, and on coarse clocks not even that
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    assert.equal((await store.findToken(new OAuthToken({ userSignature: 'ada@example.com' })))?.accessToken, 'a2');
    await store.close();
  });

  test('an unchanged file is not opened again: lookups are answered from the snapshot after one stat', async () => {
    const path = newFile(`${HEADER}\n1,ada@example.com,c,s,r,a1,,,,\n2,bob@example.com,c,s,r,b1,,,,`);
    const old = new Date(Date.now() - 60_000);
    utimesSync(path, old, old);
    const opened = countOpens(path);
    try {
      const store = new FileStore({ path });
      for (let i = 0; i < 1_000; i += 1) {
        const found = await store.findToken(new OAuthToken({ userSignature: i % 2 ? 'ada@example.com' : 'bob@example.com' }));
        assert.equal(found?.id, i % 2 ? '1' : '2');
      }
      assert.equal(opened.count, 1, 'one read for 1,000 lookups of an unchanged file');
      writeFileSync(path, `${HEADER}\n1,ada@example.com,c,s,r,a2,,,,`);
      assert.equal((await store.findToken(new OAuthToken({ userSignature: 'ada@example.com' })))?.accessToken, 'a2');
      assert.equal(opened.count, 2, 'a changed file is read once more');
      await store.close();
    } finally {
      opened.restore();
    }
  });
});
