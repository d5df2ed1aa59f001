// Child process: saves `count` tokens of distinct users named `<prefix>-<i>@example.com` into one database file.
// Usage: node _sqlite-save-worker.js <path> <prefix> <count>
import { OAuthToken } from 'zoho-token-store';
import { SQLiteStore } from 'zoho-token-store/sqlite';

const [path, prefix, count] = process.argv.slice(2) as [string, string, string];
const store = await SQLiteStore.open({ path });
for (let i = 0; i < Number(count); i += 1) {
  const token = new OAuthToken({
    userSignature: `${prefix}-${i}@example.com`,
    refreshToken: `1000.refresh.${prefix}.${i}`,
    accessToken: `1000.access.${prefix}.${i}`,
    expiresAt: Date.now() + 3_600_000,
  });
  await store.saveToken(token);
}
await store.close();
