// Child process for the crash test: saves in a loop until it is killed. Before each save it logs the attempt, and
// after saveToken resolves it logs the acknowledgement, so the parent knows what must survive.
// Every third round updates the previous user's access token instead of adding a user.
// Usage: node _file-crash-saver.js <path> <log> <prefix>
import { appendFileSync } from 'node:fs';
import { OAuthToken } from 'zoho-token-store';
import { FileStore } from 'zoho-token-store/file';
import { completeToken, zohoLikeToken } from 'zoho-token-store/testing';

const [path, log, prefix] = process.argv.slice(2) as [string, string, string];
const store = new FileStore({ path, lockStaleMs: 2_000 });
process.stdout.write('started\n');
for (let round = 0; ; round += 1) {
  const updating = round % 3 === 2;
  const user = `${prefix}-${updating ? round - 1 : round}@crash.example.com`;
  const accessToken = zohoLikeToken();
  const token = updating ? new OAuthToken({ userSignature: user, accessToken }) : completeToken({ userSignature: user, accessToken });
  appendFileSync(log, `try\t${user}\t${accessToken}\n`);
  await store.saveToken(token);
  appendFileSync(log, `ack\t${user}\t${accessToken}\n`);
}
