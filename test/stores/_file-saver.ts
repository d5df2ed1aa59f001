// Child process: saves `count` distinct users into the token file, one after another, then exits.
// Usage: node _file-saver.js <path> <label> <count>
import { FileStore } from 'zoho-token-store/file';
import { completeToken } from 'zoho-token-store/testing';

const [path, label, count] = process.argv.slice(2);
const store = new FileStore({ path: String(path) });
for (let i = 0; i < Number(count); i += 1) {
  await store.saveToken(completeToken({ userSignature: `${label}-${i}@workers.example.com` }));
}
await store.close();
