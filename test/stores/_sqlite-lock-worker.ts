// Child process for the cross-process refresh-lock tests. Prints one JSON line per event on stdout.
// Usage: node _sqlite-lock-worker.js <mode> <path> ...
//   exclusive <path> <key> <counter-file> <rounds>: under the lock, create <counter-file>.holder exclusively (it exists
//     if another process is inside: an overlap), read the counter file, wait, write it + 1, remove the holder file
//   refresh <path> <user> <refresh-log>: the engine's "take lock, re-read, refresh if still expired, save, release"
//   hold <path> <key> <lease-ms>: take the lock, report it, then wait (the parent kills it)
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { OAuthToken } from 'zoho-token-store';
import { SQLiteStore } from 'zoho-token-store/sqlite';

const [mode, path, ...args] = process.argv.slice(2) as [string, string, ...string[]];
const store = await SQLiteStore.open({ path });
const say = (event: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(event)}\n`);

if (mode === 'exclusive') {
  const [key, counterFile, rounds] = args as [string, string, string];
  for (let round = 0; round < Number(rounds); round += 1) {
    const lease = await store.acquireRefreshLock(key, { waitMs: 30_000, leaseMs: 10_000 });
    if (!lease) throw new Error('lock wait timed out');
    // Overlaps are seen by the file system, not by comparing clocks: processes' clocks (performance.timeOrigin) can
    // differ by milliseconds on a loaded machine, more than the gap between one release and the next acquire.
    let overlap = false;
    try {
      writeFileSync(`${counterFile}.holder`, String(process.pid), { flag: 'wx' });
    } catch {
      overlap = true;
    }
    const counter = Number(readFileSync(counterFile, 'utf8'));
    await sleep(5);
    writeFileSync(counterFile, String(counter + 1));
    if (!overlap) rmSync(`${counterFile}.holder`);
    await lease.release();
    say({ overlap });
  }
} else if (mode === 'refresh') {
  const [user, refreshLog] = args as [string, string];
  const query = new OAuthToken({ userSignature: user });
  const stored = await store.findToken(query);
  if (!stored?.id) throw new Error('no stored token');
  const lease = await store.acquireRefreshLock(stored.id, { waitMs: 30_000, leaseMs: 10_000 });
  if (!lease) throw new Error('lock wait timed out');
  const current = await store.findToken(query);
  if (!current?.expiresAt || current.expiresAt <= Date.now()) {
    appendFileSync(refreshLog, `${process.pid}\n`);
    await sleep(50); // the request to Zoho's accounts server
    await store.saveToken(
      new OAuthToken({ userSignature: user, accessToken: `1000.access.by.${process.pid}`, expiresAt: Date.now() + 3_600_000 }),
    );
  }
  await lease.release();
  say({ accessToken: (await store.findToken(query))?.accessToken });
} else if (mode === 'hold') {
  const [key, leaseMs] = args as [string, string];
  const before = Date.now();
  const lease = await store.acquireRefreshLock(key, { waitMs: 10_000, leaseMs: Number(leaseMs) });
  say({ locked: lease !== null, before });
  await sleep(60_000);
} else {
  throw new Error(`unknown mode ${mode}`);
}
await store.close();
