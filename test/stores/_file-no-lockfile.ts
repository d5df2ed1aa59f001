// Child process: FileStore where `proper-lockfile` cannot be found (a resolve hook hides it, as if it were not
// installed). Prints one JSON line: what a read and a save did.
// Usage: node _file-no-lockfile.js <path>
import { register } from 'node:module';

const hide = `export async function resolve(specifier, context, next) {
  if (specifier === 'proper-lockfile') {
    const error = new Error("Cannot find package 'proper-lockfile'");
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hide)}`);

const { OAuthToken } = await import('zoho-token-store');
const { FileStore } = await import('zoho-token-store/file');
const store = new FileStore({ path: String(process.argv[2]) });
const tokens = await store.getTokens();
const saved = await store.saveToken(new OAuthToken({ userSignature: 'ada@example.com', accessToken: 'a' })).then(
  () => ({ ok: true }),
  (error: { code?: string; message?: string }) => ({ code: error.code, message: error.message }),
);
process.stdout.write(`${JSON.stringify({ read: tokens.length, saved })}\n`);
await store.close();
