import { chmod, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { AccountsEmulator } from '../../src/testing/emulator/accounts-emulator.js';

/** A port nobody listens on right now (for the login redirect). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/** Whether nothing listens on `port` of 127.0.0.1 now. */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port whose next one is free too (the emulator puts its second data center there). */
export async function freePortPair(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port < 65_535 && (await isFree(port + 1))) return port;
  }
}

/** Writes an executable `browser` script into `dir` that runs the fake browser; use it as $BROWSER. */
export async function fakeBrowser(dir: string): Promise<string> {
  const path = join(dir, 'browser');
  await writeFile(path, `#!/bin/sh\nexec "${process.execPath}" "${resolve('dist/test/cli/_fake-browser.js')}" "$1"\n`);
  await chmod(path, 0o755);
  return path;
}

/** The emulator with one web client whose redirect URI is on a free local port, and one user. */
export async function startEmulator() {
  const emulator = await AccountsEmulator.start({ dataCenters: ['us', 'eu'] });
  const port = await freePort();
  const client = emulator.registerClient({ redirectUri: `http://127.0.0.1:${port}/callback` });
  const user = emulator.addUser({ email: 'ada@example.com', fullName: 'Ada Lovelace' });
  /** Settings for the CLI, as environment variables (the client secret never goes on a command line). */
  const env = {
    ZOHO_TOKENS_ACCOUNTS_URL: emulator.accountsUrl('us'),
    ZOHO_TOKENS_CLIENT_ID: client.clientId,
    ZOHO_TOKENS_CLIENT_SECRET: client.clientSecret,
    ZOHO_TOKENS_REDIRECT_URI: client.redirectUri,
  };
  return { emulator, client, user, port, env };
}
