// Child process: saves `count` tokens of distinct users into one PostgresStore table, then exits.
// Usage: node _postgres-saver.js <schema> <table> <count> <label> [port]  (a port of its own: a pooler in front)
import { completeToken } from 'zoho-token-store/testing';
import { PostgresStore } from 'zoho-token-store/postgres';
import { PG_CONNECTION } from './_postgres.js';

const [schema, table, count, label, port] = process.argv.slice(2);
const store = new PostgresStore({ connection: { ...PG_CONNECTION, ...(port ? { port: Number(port) } : {}), max: 2 }, schema, table });
try {
  // A few saves in flight at once, as an app serving several requests would have.
  const tokens = Array.from({ length: Number(count) }, (_, i) => completeToken({ userSignature: `${label}-${i}@example.com` }));
  for (let i = 0; i < tokens.length; i += 5) await Promise.all(tokens.slice(i, i + 5).map((token) => store.saveToken(token)));
  console.log(JSON.stringify(tokens.map((token) => token.id)));
} finally {
  await store.close();
}
