// Child process: saves `count` tokens of distinct users into one database at once, then prints their ids as JSON.
// Usage: node dist/test/stores/_mysql-saver.js <database> <worker> <count>
import { MySQLStore } from 'zoho-token-store/mysql';
import { completeToken } from 'zoho-token-store/testing';
import { MARIADB } from './_mysql-databases.js';

const [database = '', worker = '0', count = '50'] = process.argv.slice(2);
const store = new MySQLStore({ ...MARIADB, database, connectionLimit: 3 });
try {
  const tokens = Array.from({ length: Number(count) }, (_, i) => completeToken({ userSignature: `worker${worker}.user${i}@example.com` }));
  await Promise.all(tokens.map((token) => store.saveToken(token)));
  process.stdout.write(JSON.stringify(tokens.map((token) => token.id)));
} finally {
  await store.close();
}
