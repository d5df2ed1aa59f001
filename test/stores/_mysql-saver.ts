// Child process: saves tokens into one database at once, then prints their ids as JSON.
// Usage: node dist/test/stores/_mysql-saver.js <database> <worker> <count> [shared]
//   default: <count> tokens of distinct users of this worker
//   shared:  <count> rounds over 10 users every worker shares, each a findToken then a save of a new access token
import { OAuthToken } from 'zoho-token-store';
import { MySQLStore } from 'zoho-token-store/mysql';
import { completeToken, zohoLikeToken } from 'zoho-token-store/testing';
import { MARIADB } from './_mysql-databases.js';

const [database = '', worker = '0', count = '50', mode = 'distinct'] = process.argv.slice(2);
const store = new MySQLStore({ ...MARIADB, database, connectionLimit: 3 });
try {
  if (mode === 'shared') {
    const ids: string[] = [];
    for (let round = 0; round < Number(count); round += 1) {
      await Promise.all(
        Array.from({ length: 10 }, async (_, k) => {
          const user = `shared.user${k}@example.com`;
          const found = await store.findToken(new OAuthToken({ userSignature: user }));
          const token = found ?? completeToken({ userSignature: user });
          token.accessToken = zohoLikeToken();
          await store.saveToken(token);
          ids.push(String(token.id));
        }),
      );
    }
    process.stdout.write(JSON.stringify(ids));
  } else {
    const tokens = Array.from({ length: Number(count) }, (_, i) =>
      completeToken({ userSignature: `worker${worker}.user${i}@example.com` }),
    );
    await Promise.all(tokens.map((token) => store.saveToken(token)));
    process.stdout.write(JSON.stringify(tokens.map((token) => token.id)));
  }
} finally {
  await store.close();
}
