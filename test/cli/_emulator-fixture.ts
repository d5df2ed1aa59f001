import { chmod, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AccountsEmulator } from '../../src/testing/emulator/accounts-emulator.js';
import { freePort, isFree } from '../_free-port.js';

export { freePort };

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
