// Child process for the refresh-lock tests.
// Usage: node _file-refresher.js <path> <log> exclusive <rounds>
//   takes the refresh lock of token "1" `rounds` times and logs enter/exit around a short critical section.
// Usage: node _file-refresher.js <path> <log> refresh
//   what the lifecycle engine does at expiry: lock, re-read, refresh only if still expired, save, release.
// Usage: node _file-refresher.js <path> <log> hold <leaseMs>
//   takes the lock, prints "locked" and never releases it (until killed, or until the lease ends).
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { FileStore } from 'zoho-token-store/file';
import { zohoLikeToken } from 'zoho-token-store/testing';

const [path, log, mode, arg] = process.argv.slice(2) as [string, string, string, string | undefined];
const store = new FileStore({ path });
const note = (line: string): void => appendFileSync(log, `${line}\t${process.pid}\n`);

if (mode === 'exclusive') {
  for (let round = 0; round < Number(arg); round += 1) {
    const lease = await store.acquireRefreshLock('1', { waitMs: 60_000, leaseMs: 30_000 });
    if (!lease) throw new Error('the lock was not granted within 60 s');
    note('enter');
    await sleep(2 + Math.random() * 5);
    note('exit');
    await lease.release();
  }
} else if (mode === 'refresh') {
  const lease = await store.acquireRefreshLock('1', { waitMs: 60_000, leaseMs: 30_000 });
  if (!lease) throw new Error('the lock was not granted within 60 s');
  const token = await store.findTokenById('1');
  if (token && (token.expiresAt ?? 0) < Date.now()) {
    await sleep(20); // the refresh request to Zoho
    token.accessToken = zohoLikeToken();
    token.expiresAt = Date.now() + 3_600_000;
    await store.saveToken(token);
    note('refreshed');
  } else {
    note('already-fresh');
  }
  await lease.release();
} else if (mode === 'hold') {
  const lease = await store.acquireRefreshLock('1', { waitMs: 60_000, leaseMs: Number(arg) });
  if (!lease) throw new Error('the lock was not granted within 60 s');
  process.stdout.write('locked\n');
  setInterval(() => undefined, 60_000);
}
if (mode !== 'hold') await store.close();
