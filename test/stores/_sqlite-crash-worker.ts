// Child process for the crash test: saves in a loop and, after each saveToken resolves, appends the save to a side
// log, so every logged save was acknowledged. The parent kills it with SIGKILL at a random moment.
// Even saves update one of a few shared users, odd saves insert a new user. Stops by itself after 20 s.
// Usage: node _sqlite-crash-worker.js <path> <side-log> <run>
import { appendFileSync } from 'node:fs';
import { OAuthToken } from 'zoho-token-store';
import { SQLiteStore } from 'zoho-token-store/sqlite';

const [path, log, run] = process.argv.slice(2) as [string, string, string];
const store = await SQLiteStore.open({ path });
process.stdout.write('ready\n');
const stopAt = Date.now() + 20_000;
for (let seq = 0; Date.now() < stopAt; seq += 1) {
  const user = seq % 2 === 0 ? `shared-${(seq / 2) % 5}@example.com` : `run${run}-${seq}@example.com`;
  const accessToken = `${run}.${seq}`;
  await store.saveToken(new OAuthToken({ userSignature: user, accessToken, refreshToken: `1000.refresh.${run}.${seq}` }));
  appendFileSync(log, `${user}\t${run}\t${seq}\n`);
}
await store.close();
