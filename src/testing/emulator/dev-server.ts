import { AccountsEmulator } from './accounts-emulator.js';
import type { EmulatorClient, EmulatorUser } from './directory.js';
import type { EmulatorOptions } from './options.js';

export interface DevEmulator {
  readonly emulator: AccountsEmulator;
  readonly client: EmulatorClient;
  readonly user: EmulatorUser;
  /** Resolves once a stop signal closed the emulator. */
  readonly stopped: Promise<void>;
}

/**
 * Starts an emulator for development with one client and one user, writes its URLs and their ids, and closes it on
 * SIGINT or SIGTERM. The client secret is written because it is the emulator's own test credential, valid nowhere
 * else; no token is ever written. `main.ts` runs this; a CLI can call it with its own `write`.
 */
export async function runDevEmulator(
  options: EmulatorOptions = {},
  write: (text: string) => void = (text) => void process.stdout.write(text),
): Promise<DevEmulator> {
  const emulator = await AccountsEmulator.start(options);
  const client = emulator.registerClient();
  const user = emulator.addUser({ email: 'ada@example.com', fullName: 'Ada Lovelace' });
  const authorize = new URL('/oauth/v2/auth', emulator.accountsUrl(user.dataCenter));
  for (const [name, value] of Object.entries({
    response_type: 'code',
    access_type: 'offline',
    scope: 'ZohoCRM.modules.ALL,ZohoCRM.users.READ',
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
  })) {
    authorize.searchParams.set(name, value);
  }
  write(
    [
      `Zoho accounts emulator (${options.host ?? '127.0.0.1'} only; Ctrl-C to stop)`,
      '',
      ...emulator.dataCenters.map((dc) => `  ${dc.padEnd(3)} accounts ${emulator.accountsUrl(dc)}   api_domain ${emulator.apiDomain(dc)}`),
      '',
      `  client id      ${client.clientId}`,
      `  client secret  ${client.clientSecret}   (the emulator's own test credential)`,
      `  redirect uri   ${client.redirectUri}`,
      `  user           ${user.email} (id ${user.id}, org ${user.orgId}, data center ${user.dataCenter})`,
      '',
      `  authorize: ${authorize.toString()}`,
      '',
    ].join('\n'),
  );
  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void emulator.close().then(() => {
        write('emulator stopped\n');
        resolve();
      });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return { emulator, client, user, stopped };
}
